"""Header words of the major exporters' languages (SPEC section 4.1, point 1), as data.

Words are written as people write them; columns.py compares them casefolded and without
accents (`Téléphone` == `telephone`), after splitting headers into words and compound
words into known parts (`Mobiltelefon` -> mobil telefon, `E-Mail-Adresse` -> email adresse).
A phrase is several words in a row (`first name`). Languages: English, German, French,
Spanish, Portuguese, Italian, Dutch.
"""

# fmt: off
# The words (or phrases) that name a standard field.
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "phone_number": (
        # en
        "phone", "phones", "telephone", "tel", "mobile", "cell", "cellphone", "cellular",
        "msisdn", "gsm", "iphone", "landline", "direct dial",
        # messaging apps and SMS take a mobile number (Brevo's `SMS`, `WHATSAPP`)
        "sms", "whatsapp",
        # abbreviations: `Ph #`, `Mob.`, `Tfno.`, `Tlf.`, `Cel.`, `Telefonnr.`, Swiss `Natel`
        "ph", "mob", "tfno", "tlf", "telf", "cel", "telefonnr", "mobilnr", "handynr", "natel",
        # de
        "telefon", "handy", "mobil", "mobiltelefon", "rufnummer", "fon", "festnetz",
        # fr
        "téléphone", "tél", "portable", "mobile", "cellulaire",
        # es
        "teléfono", "móvil", "celular", "centralita",
        # pt
        "telefone", "telemóvel", "celular", "radiofone",
        # it
        "telefono", "cellulare",
        # nl
        "telefoon", "mobiel", "mobiele",
    ),
    "email": (
        "email", "emails", "mail", "mails",
        "courriel", "mél", "adresse électronique", "adresse de messagerie",
        "correo", "correo electrónico",
        "correio eletrônico", "correio electrónico", "endereço eletrônico",
        "endereço electrónico",
        "posta elettronica",
    ),
    "name": (
        "name", "full name", "display name", "contact name", "customer name",
        "anzeigename", "vollständiger name", "weergavenaam",
        "nom complet", "nombre completo", "nome completo",
        "naam", "volledige naam",
        # Thunderbird's and Outlook's display name, localized
        "nom à afficher", "nombre para mostrar", "nome de exibição", "nome a apresentar",
        "nome visualizzato",
        # a customer's or contact's name, and `first and last name`, localized
        "nom du client", "nom client", "nom du contact", "nom contact", "nombre del cliente",
        "nombre cliente", "nombre del contacto", "nome do cliente", "nome cliente",
        "nome del cliente", "nome do contato", "nome contatto", "kundenname", "klantnaam",
        "contactnaam", "nom et prénom", "prénom et nom", "nombre y apellidos", "nome e cognome",
        "nome e sobrenome", "vor und nachname", "voor en achternaam",
    ),
    "first_name": (
        "first name", "firstname", "given name", "forename",
        "vorname", "prénom", "nombre", "primer nombre", "nombre de pila", "nome",
        "primeiro nome", "nome próprio", "voornaam",
        "fname",  # Mailchimp's merge tag
    ),
    "last_name": (
        "last name", "lastname", "surname", "family name",
        "nachname", "familienname", "nom", "nom de famille",
        "apellido", "apellidos", "sobrenome", "apelido", "último nome", "cognome", "achternaam",
        "lname",  # Mailchimp's merge tag
    ),
    "company": (
        "company", "organization", "organisation", "org", "employer", "account name",
        "raison sociale", "razón social", "razão social", "ragione sociale", "bedrijfsnaam",
        "firma", "firmenname", "unternehmen", "unternehmensname",
        "société", "entreprise",
        "empresa", "compañía", "organización",
        "organização",
        "azienda", "società", "organizzazione",
        "bedrijf", "organisatie",
    ),
    "job_title": (
        "title", "job title", "job", "position", "role",
        "funktion", "berufsbezeichnung", "arbeitstitel", "jobtitel", "rolle",
        "poste", "fonction", "titre", "titre du poste", "intitulé du poste", "intitulé de poste",
        "cargo", "puesto", "puesto de trabajo",
        "função",
        "posizione", "ruolo", "qualifica",
        "functie", "functietitel",
    ),
    "linkedin_profile": ("linkedin",),
    "locale": (
        "locale", "language", "sprache", "langue", "idioma", "lingua", "língua", "taal",
        "voorkeurstaal",
    ),
    "timezone": (
        "timezone", "time zone", "tz", "zeitzone", "fuseau horaire", "zona horaria",
        "fuso horário", "fuso orario", "tijdzone",
    ),
    "tag": (
        "tag", "tags", "labels", "categories", "category", "group membership",
        "kategorien", "kategorie", "schlagwörter", "étiquettes", "catégories",
        "etiquetas", "categorías", "categorias", "etichette", "categorie", "categorieën",
    ),
    "country": (
        "country", "land", "länder", "landes", "pays", "país", "paese", "nazione", "nation",
        # Brazilian and Portuguese Outlook's business country: `País/Região da Empresa` (a
        # phrase: Apollo's `Company Country` is the company's, not the contact's)
        "região da empresa",
    ),
    "metadata": ("metadata", "metadaten", "métadonnées", "metadatos", "metadados", "metadati"),
}

# Phone words that name a mobile phone: those columns come first (SPEC 4.1, point 3).
MOBILE_WORDS: frozenset[str] = frozenset(
    {
        "mobile", "cell", "cellphone", "cellular", "gsm", "handy", "mobil", "mobiltelefon",
        "portable", "cellulaire", "móvil", "celular", "telemóvel", "cellulare", "mobiel",
        "mobiele", "iphone", "sms", "whatsapp", "mob", "cel", "mobilnr", "handynr", "natel",
    }
)

# Words that make a phone or email column the primary one (after mobile, for phones).
PRIMARY_WORDS: frozenset[str] = frozenset(
    {
        "primary", "main", "first", "preferred", "default", "pref",
        "haupt", "erste", "bevorzugt", "bevorzugte",
        "principal", "principale", "préféré", "préférée", "premier",
        "preferido", "primario", "primeiro", "primer",
        "hoofd", "voorkeur",
        "primaria", "primária", "primäre", "primair", "eerste",
    }
)

# Words saying a phone belongs to the company (a switchboard): never counted as primary.
COMPANY_WORDS: frozenset[str] = frozenset(
    {
        "company", "corporate", "organization", "organisation", "account", "firma", "firmen",
        "unternehmen", "société", "entreprise", "empresa", "compañía", "companhia", "azienda",
        "società", "bedrijf", "organización", "organização", "organizzazione", "organisatie",
    }
)

# Words naming an address: a primary word beside one makes the address the primary one,
# not the phone (Shopify's `Default Address Phone` comes after its `Phone`).
ADDRESS_WORDS: frozenset[str] = frozenset(
    {"address", "adresse", "adres", "anschrift", "dirección", "endereço", "indirizzo"}
)

# Where or which: words that may stand beside a field word without changing its meaning.
PLACES: tuple[str, ...] = (
    # en
    "home", "work", "business", "office", "private", "personal", "other", "direct",
    "primary", "secondary", "main", "first", "second", "third", "preferred", "default",
    "alternate", "alternative", "alt", "additional", "contact", "person", "current", "value",
    "kontakt", "contacto", "contato", "contatto",
    "pref",  # vCard's `TEL;TYPE=PREF`
    "mobile",
    # de
    "privat", "geschäftlich", "beruflich", "dienstlich", "arbeit", "büro", "weitere",
    "weiteres", "weiterer", "haupt", "erste", "zweite", "andere", "sonstige", "bevorzugte",
    "geschäftliche", "berufliche", "dienstliche", "primäre", "sekundäre",
    # fr
    "domicile", "maison", "travail", "bureau", "professionnel", "professionnelle", "pro",
    "perso", "personnel", "personnelle", "privé", "autre", "principal", "principale",
    "secondaire", "préféré", "préférée", "premier",
    # es
    "casa", "trabajo", "oficina", "particular", "otro", "secundario", "preferido",
    "primario", "primer", "primaria", "secundaria", "residencia", "domicilio",
    # pt
    "trabalho", "comercial", "residencial", "pessoal", "outro", "escritório", "primeiro",
    "primária", "secundário", "secundária", "emprego", "residência",
    # it
    "lavoro", "ufficio", "personale", "privato", "altro", "abitazione", "aziendale",
    "primaria", "secondaria", "residenza",
    # nl
    "thuis", "huis", "werk", "zakelijk", "zakelijke", "prive", "persoonlijk", "persoonlijke",
    "kantoor", "overig", "overige", "ander", "andere", "anders", "hoofd", "voorkeur", "eerste",
    "tweede", "primair", "secundair",
)

# Who the row is, in the words of the tool that exported it: `Customer Phone`, `Client Email`,
# `Kundentelefon`, `Téléphone client`, `Subscriber Email` are the contact's own.
SELF_WORDS: tuple[str, ...] = (
    # en
    "customer", "customers", "client", "clients", "lead", "member", "subscriber",
    "patient", "student", "guest", "buyer", "recipient", "attendee", "participant",
    "prospect", "donor", "candidate", "applicant", "respondent",
    # de
    "kunde", "kunden", "mitglied", "abonnent", "patient", "gast", "empfänger",
    "teilnehmer", "interessent", "spender", "kandidat", "bewerber",
    # fr
    "client", "cliente", "membre", "abonné", "invité", "destinataire",
    "candidat",
    # es, pt, it
    "cliente", "clientes", "miembro", "socio", "suscriptor", "paciente", "invitado",
    "destinatario", "participante", "candidato", "assinante", "membro", "iscritto",
    "paziente", "ospite", "partecipante",
    # nl
    "klant", "klanten", "abonnee", "patiënt", "gast", "ontvanger", "deelnemer", "kandidaat",
    # the contact person of a company record
    "ansprechpartner", "interlocuteur", "contactpersoon", "referente",
)
# An account's user (`User Email`, `Benutzer-Telefon`): the contact's phone or email, but a
# `User Name` is a login, not the contact's name.
USER_WORDS: tuple[str, ...] = (
    "user", "benutzer", "utilisateur", "usuario", "usuário", "utente", "gebruiker",
)

# Little words between the others (`Numéro de téléphone`, `Name des/der ...`).
FILLER: tuple[str, ...] = (
    "de", "du", "des", "la", "le", "l", "d", "s", "di", "da", "do", "del", "della", "dello",
    "van", "von", "der", "of", "the", "a", "en", "et", "y", "e", "o", "op",
)

# Words allowed beside a field word, per field (besides PLACES for phone and email).
QUALIFIERS: dict[str, tuple[str, ...]] = {
    "phone_number": (
        *PLACES, "number", "numbers", "num", "no", "nr", "n", "nummer", "numéro", "número",
        "numero", "dial", "car", "auto", "voiture", "coche", "automóvil", "carro", "radio",
        "voice", "voip", "landline", "festnetz", "fixe", "fijo", "fixo", "fisso", "vast",
        "automóvel", "geral",
        # Shopify's `Default Address Phone`: the customer's own number
        "address",
        # a company's own number (`Company Main Phone`, `Hoofdtelefoon bedrijf`)
        *COMPANY_WORDS,
        *SELF_WORDS,
        *USER_WORDS,
    ),
    "email": (
        *PLACES, "address", "addresses", "addr", "adresse", "adressen", "adres",
        "internet",  # vCard's `EMAIL;TYPE=INTERNET`
        *SELF_WORDS,
        *USER_WORDS,
        "dirección", "endereço", "indirizzo", "company", "corporate", "firma",
    ),
    "name": (
        "contact", "customer", "client", "person", "kunde", "full", "complete", "value",
        *SELF_WORDS,
    ),
    "first_name": ("contact", "customer", "client", "person", "value"),
    "last_name": ("contact", "customer", "client", "person", "value"),
    "company": ("name", "value", "current", "nom", "nombre", "nome", "naam", "person", "contact"),
    "job_title": (
        "job", "current", "primary", "organization", "organisation", "company", "org",
        "value", "contact", "person",
    ),
    "linkedin_profile": (
        "url", "profile", "profil", "link", "person", "contact", "personal", "public", "value",
        "perfil", "profilo", "profiel",
    ),
    "locale": (
        "preferred", "primary", "contact", "code", "bevorzugte", "préférée", "preferido",
        "preferida", "preferita", "preferito", "value",
    ),
    "timezone": ("contact", "local", "iana", "value"),
    "tag": ("contact", "person", "value"),
    "country": (
        *PLACES, "code", "name", "mailing", "iso", "value",
        # `Land/Region`, `País o región del trabajo`, `País/Região do endereço comercial`,
        # `Paese/area geografica (uff.)`, `Werkadres, land/regio`
        "region", "región", "região", "regione", "regio", "area", "geografica", "o", "ou",
        "address", "adresse", "dirección", "endereço", "indirizzo", "adres", "uff", "ab",
        "postal", "código", "codice", "nom", "nombre", "nome", "naam", *SELF_WORDS,
    ),
    "metadata": ("value",),
}

# A header with one of these words never names a contact's phone, email or other field:
# a fax or pager, or somebody else's (SPEC 4.1, point 1). They are never content-detected.
EXCLUDED_WORDS: dict[str, tuple[str, ...]] = {
    "fax": ("fax", "telefax", "faxnummer", "télécopie", "facsímil", "facsimile"),
    "pager": (
        "pager", "beeper", "piepser", "bipeur", "radiomessagerie", "buscapersonas", "localizador",
        "cercapersone", "semafoon", "pieper",
    ),
    "somebody else's": (
        "assistant", "assistants", "assistent", "assistentin", "assistente", "asistente",
        "ayudante",  # es Outlook: `Teléfono del ayudante`
        "secretary", "sekretariat", "secrétaire", "secretaria", "segretaria", "secretaresse",
        "manager", "managers", "vorgesetzte", "vorgesetzten", "owner", "owners", "besitzer",
        "inhaber", "eigentümer", "propriétaire", "propietario", "proprietário",
        "proprietario", "eigenaar", "spouse", "ehepartner", "partner", "referred",
        "referrer", "empfohlen", "rep", "agent", "asst",
        "supervisor", "boss", "responsable", "responsabile", "gerente", "gestore", "gestor",
        "jefe", "betreuer", "assistante", "assistenten", "conjoint", "conjointe", "cónyuge",
        "cônjuge", "coniuge", "echtgenoot", "parent", "parents", "guardian", "emergency",
        "notfallkontakt", "urgence", "urgencia", "emergencia", "emergenza", "recruiter",
    ),
}

# Words naming an attribute of a phone or email rather than its value (`E-mail Type`,
# `Phone 1 - Label`, `E-mail Display Name`, Apollo's `Email Status`).
ATTRIBUTE_WORDS: tuple[str, ...] = (
    "type", "types", "typ", "tipo", "label", "labels", "etikett", "étiquette", "etiqueta",
    "etichetta", "etiket", "display", "angezeigter", "anzeige", "name", "nom", "nombre",
    "nome", "naam", "weergavenaam", "status", "verified", "verification", "source",
    "confidence", "consent", "opt", "opted", "optout", "out", "unsubscribed", "bounced",
    "bounce", "sent", "open", "opened", "clicked", "replied", "domain", "provider", "count",
    "date", "datum", "format", "valid", "score", "reason", "id", "extension", "ext",
)

# Headers that name a field only as the whole header (besides a number): words too
# common to count inside other headers. Italian Outlook calls the business and home phones
# `Ufficio` and `Abitazione` (`Ubicazione ufficio` is the office's location); Mailchimp
# writes the subscriber's country code as `CC`; vCard converters the name as `FN`.
WHOLE_HEADERS: dict[str, tuple[str, ...]] = {
    "phone_number": ("ufficio", "abitazione"),
    "country": ("cc",),
    "name": ("fn",),  # vCard's formatted name
}

# Whole headers that name a phone only when the column holds phones: Spanish Outlook calls
# the home phone `Particular`, Brazilian Outlook its private flag (`Falso`, `Verdadeiro`).
CONFIRMED_WHOLE_HEADERS: dict[str, tuple[str, ...]] = {
    "phone_number": ("particular",),
}

# Headers of columns that hold numbers that are not phones: never content-detected. Besides
# ids, codes and dates, the numbers of an order, an invoice or a tax record (`Order Number`,
# `VAT Number`, `Ticket #`, `Steuernummer`).
NOT_CONTENT_WORDS: tuple[str, ...] = (
    "id", "zip", "postal", "postcode", "plz", "postleitzahl", "code", "date", "datum",
    "year", "jahr", "count", "amount", "revenue", "employees", "funding",
    # en
    "order", "invoice", "membership", "ticket", "vat", "tax", "policy", "contract",
    "reference", "ref", "serial", "sku", "booking", "reservation", "loyalty", "iban", "ssn",
    "passport", "license", "licence",
    # de
    "rechnung", "rechnungs", "bestellung", "bestell", "auftrag", "auftrags", "steuer",
    "vertrag", "vertrags", "referenz", "ausweis",
    # fr
    "commande", "facture", "contrat", "siret", "siren", "matricule", "tva", "référence",
    # es, pt, it
    "pedido", "factura", "fatura", "contrato", "nif", "cif", "dni", "cpf", "cnpj", "ordine",
    "fattura", "contratto", "codice", "tessera", "matricola", "riferimento", "referencia",
    "referência",
    # nl
    "bestelling", "factuur", "contract", "lidmaatschap", "btw", "referentie",
)

# Whose number it is, when the header also says `number` (or `#`): a customer's, member's or
# account's number is an id (`Customer Number`, `Kundennummer`, `Numéro client`, `Member #`),
# while `Customer Contact` or `Member` may well hold phones or emails.
ID_OWNER_WORDS: tuple[str, ...] = (
    "customer", "client", "account", "employee", "member", "kunde", "kunden", "konto",
    "mitglied", "mitglieds", "compte", "adhérent", "cliente", "cuenta", "conta", "socio",
    "conto", "klant", "klanten",
)
NUMBER_WORDS: tuple[str, ...] = (
    "number", "numbers", "num", "no", "nr", "n", "nummer", "nummern", "numéro", "número",
    "numero",
)
# fmt: on
