"""Header words (SPEC 4.1, point 1) and content detection (point 2): pure, plus the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.columns import candidate_priority, header_words, match_words, resolve
from tests.conftest import Cli, write_csv


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Phone 1 - Value", ("phone", "value")),
        ("MobilePhone", ("mobile", "phone")),
        ("E-mail 2 Address", ("email", "address")),
        ("E-Mail-Adresse", ("email", "adresse")),
        ("EMailAdresse", ("email", "adresse")),
        ("Mobiltelefon", ("mobiltelefon",)),
        ("Haupttelefon", ("haupt", "telefon")),
        ("Telefonnummer", ("telefon", "nummer")),
        ("Telefon geschäftlich", ("telefon", "geschaftlich")),
        ("Numéro de téléphone", ("numero", "de", "telephone")),
        ("LinkedIn", ("linkedin",)),
        ("Person Linkedin Url", ("person", "linkedin", "url")),
        ("Telex", ("telex",)),  # never split into `tel` + something
        ("Phone: iPhone", ("phone", "iphone")),
        ("WhatsApp Phone Number", ("whatsapp", "phone", "number")),
        ("TEL;TYPE=CELL", ("tel", "cell")),  # vCard's TYPE= names the kind, not an attribute
        ("Hotel", ("hotel",)),
    ],
)
def test_header_words(header: str, words: tuple[str, ...]) -> None:
    assert header_words(header) == words


PHONE, EMAIL = "phone_number", "email"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # en
        ("Phone 1 - Value", PHONE),
        ("Mobile Phone", PHONE),
        ("Business Phone 2", PHONE),
        ("Work Direct Phone", PHONE),
        ("Cell", PHONE),
        ("Mobile Phone Number", PHONE),
        ("E-mail 2 Address", EMAIL),
        ("Primary Email", EMAIL),
        ("Work email", EMAIL),
        ("Secondary Email", EMAIL),
        ("Organization Name", "company"),
        ("Organization 1 - Title", "job_title"),
        ("Account Name", "company"),
        ("Display Name", "name"),
        ("Given Name", "first_name"),
        ("Family Name", "last_name"),
        ("Preferred language", "locale"),
        ("Country/Region", "country"),
        ("Business Country/Region", "country"),
        ("Labels", "tag"),
        ("Group Membership", "tag"),
        ("LinkedIn Profile", "linkedin_profile"),
        # de
        ("Mobiltelefon", PHONE),
        ("Telefon geschäftlich", PHONE),
        ("Handynummer", PHONE),
        ("E-Mail-Adresse", EMAIL),
        ("E-Mail 2: Adresse", EMAIL),
        ("Vorname", "first_name"),
        ("Nachname", "last_name"),
        ("Firma", "company"),
        ("Funktion", "job_title"),
        ("Land/Region geschäftlich", "country"),
        ("Autotelefon", PHONE),
        ("Geschäftliche E-Mail", EMAIL),
        ("Sprache", "locale"),
        ("Zeitzone", "timezone"),
        # fr
        ("Téléphone portable", PHONE),
        ("Numéro de téléphone", PHONE),
        ("Adresse e-mail", EMAIL),
        ("Courriel", EMAIL),
        ("Téléphone mobile", PHONE),
        ("Tél. mobile", PHONE),
        ("Téléphone (bureau)", PHONE),
        ("Téléphone (voiture)", PHONE),
        ("Téléphone société", PHONE),
        ("Téléphone cellulaire", PHONE),
        ("Adresse de messagerie", EMAIL),  # Outlook's e-mail
        ("Adresse de messagerie 2", EMAIL),
        ("Prénom", "first_name"),
        ("Nom", "last_name"),
        ("Nom complet", "name"),
        ("Société", "company"),
        ("Poste", "job_title"),
        ("Pays", "country"),
        # es
        ("Teléfono móvil", PHONE),
        ("Celular", PHONE),
        ("Teléfono del trabajo", PHONE),
        ("Teléfono del automóvil", PHONE),
        ("Teléfono de la empresa", PHONE),
        ("Dirección de correo electrónico", EMAIL),
        ("Correo electrónico", EMAIL),
        ("Apellidos", "last_name"),
        ("Nombre de la empresa", "company"),
        ("Cargo", "job_title"),
        ("País", "country"),
        ("Idioma", "locale"),
        ("Zona horaria", "timezone"),
        # pt
        ("Telemóvel", PHONE),
        ("Telefone", PHONE),
        ("Telefone celular", PHONE),
        ("Telefone do carro", PHONE),
        ("Telefone principal da empresa", PHONE),
        ("Endereço de email", EMAIL),
        ("Sobrenome", "last_name"),
        ("Empresa", "company"),
        ("Função", "job_title"),
        # it
        ("Cellulare", PHONE),
        ("Numero di telefono", PHONE),
        ("Telefono ufficio", PHONE),
        ("Telefono principale società", PHONE),
        ("Cellulare aziendale", PHONE),
        ("E-mail aziendale", EMAIL),
        ("Indirizzo email", EMAIL),
        ("Cognome", "last_name"),
        ("Azienda", "company"),
        ("Paese", "country"),
        # nl
        ("Telefoonnummer", PHONE),
        ("Mobiel nummer", PHONE),
        ("Mobiele telefoon", PHONE),  # Outlook's
        ("Telefoon thuis", PHONE),
        ("Telefoon op werk", PHONE),
        ("Telefoon op werk 2", PHONE),
        ("Telefoon (werk)", PHONE),
        ("Telefoon privé", PHONE),
        ("Autotelefoon", PHONE),
        ("Zakelijke telefoon", PHONE),
        ("Hoofdtelefoon", PHONE),
        ("Hoofdtelefoon bedrijf", PHONE),
        ("Andere telefoon", PHONE),
        ("Huistelefoon", PHONE),
        ("E-mailadres 2", EMAIL),
        ("Zakelijk e-mailadres", EMAIL),
        ("E-mailadres", EMAIL),
        ("Voornaam", "first_name"),
        ("Achternaam", "last_name"),
        ("Bedrijf", "company"),
        ("Functie", "job_title"),
        ("Land", "country"),
        ("Taal", "locale"),
        # localized Outlook: the country of the business address, whole-header phones
        ("País o región del trabajo", "country"),
        ("País/Região do endereço comercial", "country"),
        ("País/Região (emprego)", "country"),
        ("Paese (uff.)", "country"),
        ("Paese/area geografica (uff.)", "country"),
        ("Werkadres, land/regio", "country"),
        ("Pays/Région (bureau)", "country"),
        ("Pays/région (domicile)", "country"),
        ("Nazione di residenza", "country"),
        ("Ufficio", PHONE),  # Italian Outlook's business phone
        ("Ufficio 2", PHONE),
        ("Abitazione", PHONE),  # and its home phone
        ("Número de centralita de la organización", PHONE),
        ("Telefone (emprego)", PHONE),
        ("Telefone (residência)", PHONE),
        ("Telefone do automóvel", PHONE),
        ("Telefone geral da empresa", PHONE),
        ("Endereço de correio electrónico", EMAIL),
        ("Nome próprio", "first_name"),
        ("Titre du poste", "job_title"),
        # Thunderbird, localized
        ("Primäre E-Mail-Adresse", EMAIL),
        ("Sekundäre E-Mail-Adresse", EMAIL),
        ("Arbeitstitel", "job_title"),
        ("Privat: Land", "country"),
        ("Dienstlich: Land", "country"),
        ("Email primaria", EMAIL),
        ("Email secondaria", EMAIL),
        ("Nome visualizzato", "name"),
        ("Nom à afficher", "name"),
        ("Nombre para mostrar", "name"),
        # CRMs, shops, mailing tools, vCard converters
        ("Person - Phone - Mobile", PHONE),
        ("Person - Phone - Work", PHONE),
        ("Person - Email - Work", EMAIL),
        ("Person - Organization", "company"),
        ("Person - Labels", "tag"),
        ("Person - Postal address - Country", "country"),
        ("Default Address Phone", PHONE),
        ("Default Address Country Code", "country"),
        ("WhatsApp Phone Number", PHONE),
        ("SMS", PHONE),
        ("LANDLINE_NUMBER", PHONE),
        ("Phone: iPhone", PHONE),
        ("TEL;TYPE=CELL", PHONE),
        ("EMAIL;TYPE=INTERNET", EMAIL),
        ("EMAIL;TYPE=PREF,INTERNET", EMAIL),
        ("TEL;TYPE=PREF,VOICE", PHONE),
        ("FN", "name"),
        ("FNAME", "first_name"),
        ("LNAME", "last_name"),
        ("CC", "country"),  # Mailchimp's country code
        ("Festnetz", PHONE),
        ("Voip Phones", PHONE),  # Outreach
        ("N° de téléphone", PHONE),
        ("Tfno.", PHONE),
        ("Tlf.", PHONE),
        ("Ph #", PHONE),
        ("Telefonnr.", PHONE),
        ("Natel", PHONE),
        ("Endereço eletrônico", EMAIL),
        # the contact named as the tool calls it
        ("Customer Phone", PHONE),
        ("Customer Email", EMAIL),
        ("Client Email", EMAIL),
        ("Subscriber Email", EMAIL),
        ("Lead Phone", PHONE),
        ("User Email", EMAIL),
        ("Kontakt-E-Mail", EMAIL),
        ("Kontakttelefon", PHONE),
        ("Ansprechpartner Telefon", PHONE),
        ("E-Mail Ansprechpartner", EMAIL),
        ("Telefono contatto", PHONE),
        ("Unternehmensname", "company"),
        ("Kundentelefon", PHONE),
        ("Kunden-E-Mail", EMAIL),
        ("Téléphone client", PHONE),
        ("Teléfono del cliente", PHONE),
        ("Telefoon klant", PHONE),
        ("Customer Country", "country"),
        # other fields, localized
        ("Nom du client", "name"),  # not the last name `Nom`
        ("Nombre del cliente", "name"),
        ("Nome cliente", "name"),
        ("Kundenname", "name"),
        ("Klantnaam", "name"),
        ("Nom et prénom", "name"),
        ("Nome e cognome", "name"),
        ("Vor- und Nachname", "name"),
        ("Raison sociale", "company"),
        ("Razón social", "company"),
        ("Ragione sociale", "company"),
        ("Bedrijfsnaam", "company"),
        ("Intitulé du poste", "job_title"),
        ("Jobtitel", "job_title"),
        ("Perfil de LinkedIn", "linkedin_profile"),
        ("Profilo LinkedIn", "linkedin_profile"),
        ("Idioma preferido", "locale"),
        ("Voorkeurstaal", "locale"),
        ("Código de país", "country"),
        ("Ländercode", "country"),
        ("Nom du pays", "country"),
    ],
)
def test_words_name_a_field(header: str, field: str) -> None:
    assert match_words(header).field == field


@pytest.mark.parametrize(
    ("header", "note"),
    [
        ("Business Fax", "fax"),
        ("Fax geschäftlich", "fax"),
        ("Faxnummer", "fax"),
        ("Fax op werk", "fax"),
        ("Fax thuis", "fax"),
        ("Télécopie (bureau)", "fax"),
        ("Semafoon", "pager"),
        ("Localizador", "pager"),
        ("Récepteur de radiomessagerie", "pager"),
        ("Teléfono del ayudante", "somebody else's"),
        ("Telefoon assistent", "somebody else's"),
        ("Pager", "pager"),
        ("Pager Number", "pager"),
        ("Assistant's Phone", "somebody else's"),
        ("AssistantPhone", "somebody else's"),
        ("Telefon Assistent", "somebody else's"),
        ("Manager's Name", "somebody else's"),
        ("Assistant's Name", "somebody else's"),
        ("Contact Owner Email", "somebody else's"),
        ("Kontaktinhaber E-Mail", "somebody else's"),  # HubSpot in German
        ("Propriétaire du contact", "somebody else's"),
        ("Courriel du responsable", "somebody else's"),
        ("Correo del gerente", "somebody else's"),
        ("Supervisor Phone", "somebody else's"),
        ("Emergency Contact Phone", "somebody else's"),
        ("Notfallkontakt Telefon", "somebody else's"),
        ("Telefone do cônjuge", "somebody else's"),
        ("Phone 1 - Label", "attribute: label"),
        ("Phone 1 - Type", "attribute: type"),
        ("E-mail Display Name", "attribute: display"),
        ("E-Mail-Typ", "attribute: typ"),
        ("Email Status", "attribute: status"),
        ("Primary Email Source", "attribute: source"),
        ("HasOptedOutOfEmail", "attribute: opted"),
        ("Weergavenaam e-mail", "attribute: weergavenaam"),
        ("Nom complet de l'adresse de messagerie", "attribute: nom"),
        ("Nombre para mostrar del correo electrónico", "attribute: nombre"),
        ("Nome visualizzato posta elettronica", "attribute: nome"),
        ("Nome de exibição do email", "attribute: nome"),
        ("Tipo de correo electrónico", "attribute: tipo"),
        ("TEL;TYPE=FAX", "fax"),
        ("Piepernummer", "pager"),
        ("Asst. Phone", "somebody else's"),
        ("SMS Opt-in", "attribute: opt"),
    ],
)
def test_excluded_headers_name_no_field(header: str, note: str) -> None:
    match = match_words(header)
    assert (match.field, match.note) == (None, note)
    assert match.content_ok is False


@pytest.mark.parametrize(
    "header",
    [
        "Weitere Vornamen",
        "Middle Name",
        "Phonetic First Name",
        "Company Linkedin Url",
        "Company Country",
        "Organization 1 - Department",
        "Nickname",
        "Telex",
        "Record ID",
        "Ubicazione ufficio",  # the office's location, not the business phone
        "Company Address",
        "IP Country",
        "Bundesland",
        "Nom du manager",
        "Phonetic Name",
        "Mobility",
        "Voice Mail",
        "Username",  # a login, not the contact's name
        "User Name",
    ],
)
def test_look_alikes_name_no_field(header: str) -> None:
    assert match_words(header).field is None


@pytest.mark.parametrize(
    ("field", "header", "priority"),
    [
        (PHONE, "Mobile Phone", 1),
        (PHONE, "Mobiltelefon 2", 1),
        (PHONE, "Téléphone portable", 1),
        (PHONE, "Handy", 1),
        (PHONE, "Mobiele telefoon", 1),
        (PHONE, "Téléphone mobile", 1),
        (PHONE, "Téléphone cellulaire", 1),
        (PHONE, "Telefone celular", 1),
        (PHONE, "Teléfono del automóvil", 3),  # a car phone, not `auto` + `móvil`
        (PHONE, "Hoofdtelefoon", 2),
        (PHONE, "Hoofdtelefoon bedrijf", 3),
        (PHONE, "Telefono principale società", 3),
        (PHONE, "Telefoon thuis", 3),
        (PHONE, "Primary Phone", 2),
        (PHONE, "Haupttelefon", 2),
        (PHONE, "First Phone", 2),
        (PHONE, "Company Main Phone", 3),
        (PHONE, "Business Phone", 3),
        (PHONE, "Phone: iPhone", 1),
        (PHONE, "WhatsApp Phone Number", 1),
        (PHONE, "Person - Phone - Mobile", 1),
        (PHONE, "Default Address Phone", 3),  # the default address's phone
        (PHONE, "Mob. No", 1),
        (PHONE, "Cel.", 1),
        (PHONE, "Mobilnr.", 1),
        (PHONE, "Número de centralita de la organización", 3),
        (EMAIL, "Email primaria", 2),
        (EMAIL, "EMAIL;TYPE=PREF,INTERNET", 2),
        (EMAIL, "Primäre E-Mail-Adresse", 2),
        (EMAIL, "Email secondaria", 3),
        (EMAIL, "Primary Email", 2),
        (EMAIL, "E-mail 1 - Value", 2),
        (EMAIL, "E-mail 21 - Value", 3),
        (EMAIL, "E-mail 2 Address", 3),
    ],
)
def test_candidate_priority(field: str, header: str, priority: int) -> None:
    assert candidate_priority(field, header, "words") == priority
    assert candidate_priority(field, header, "mapping") == 0


def test_words_only_fill_fields_the_aliases_left_unresolved() -> None:
    plan = resolve(
        ["Company", "Organization Name", "Phone", "Mobile Phone", "Home Country", "Work Country"]
    )
    assert plan.summary_columns() == {
        "Company": "company",
        "Organization Name": "organization_name",
        "Phone": "phone_number",
        "Mobile Phone": "phone_number",
        "Home Country": "country",
        "Work Country": "work_country",
    }
    assert plan.resolution() == {
        "Company": "alias",
        "Phone": "alias",
        "Mobile Phone": "words",
        "Home Country": "words",
    }
    assert [c.header for c in plan.candidates(PHONE)] == ["Mobile Phone", "Phone"]
    assert (
        "column 'Work Country' also resolves to country; kept as variable 'work_country'"
        in plan.warnings
    )


def test_dutch_outlook_export_takes_the_mobile_first(cli: Cli, tmp_path: Path) -> None:
    text = (
        "Voornaam,Telefoon thuis,Mobiele telefoon,Fax op werk,E-mailadres\n"
        "Ann,,0612345678,020 7654321,a@x.nl\n"
        "Bob,020 1234567,0687654321,,b@x.nl\n"
        "Cy,020 1112223,,020 7654321,c@x.nl\n"
    )
    result = cli.run_import(str(write_csv(tmp_path, text)), "--region", "NL", "--json")
    assert result.exit_code == 0, result.output
    summary = cli.summary(result)
    assert summary["columns"] == {
        "Voornaam": "first_name",
        "Telefoon thuis": "phone_number",
        "Mobiele telefoon": "phone_number",
        "Fax op werk": "fax_op_werk",
        "E-mailadres": "email",
    }
    assert summary["warnings"] == ["not phone/email candidates: 'Fax op werk' (fax)"]
    assert cli.query("SELECT phone_number, email FROM contacts ORDER BY email") == [
        ("+31612345678", "a@x.nl"),
        ("+31687654321", "b@x.nl"),
        ("+31201112223", "c@x.nl"),
    ]


def test_the_header_saying_more_field_words_wins() -> None:
    # French Outlook: `Titre` is the salutation, `Titre du poste` the job title
    plan = resolve(["Titre", "Prénom", "Nom", "Titre du poste", "Pays/Région (bureau)"])
    assert plan.summary_columns() == {
        "Titre": "titre",
        "Prénom": "first_name",
        "Nom": "last_name",
        "Titre du poste": "job_title",
        "Pays/Région (bureau)": "country",
    }
    assert "column 'Titre' also resolves to job_title; kept as variable 'titre'" in plan.warnings
    # a tie goes to the first column in file order
    plan = resolve(["Pays/Région (domicile)", "Pays/Région (bureau)"])
    assert plan.resolution() == {"Pays/Région (domicile)": "words"}


def test_mapping_beats_words() -> None:
    plan = resolve(["Mobile Phone", "Notes"], {"Mobile Phone": "cell_number", "Notes": "email"})
    assert plan.summary_columns() == {"Mobile Phone": "cell_number", "Notes": "email"}
    assert plan.resolution() == {"Notes": "mapping"}


# --- content detection, through the CLI ------------------------------------------------


def _phones(n: int) -> list[str]:
    return [f"(312) 555-01{i:02d}" for i in range(n)]


def _import(cli: Cli, tmp_path: Path, text: str, *args: str) -> dict:
    result = cli.run_import(str(write_csv(tmp_path, text)), "--json", "--dry-run", *args)
    assert result.exit_code == 0, result.output
    return cli.summary(result)


def test_content_needs_ninety_percent(cli: Cli, tmp_path: Path) -> None:
    nine = _phones(9) + ["n/a"]
    eight = _phones(8) + ["n/a", "ask"]
    text = "Who,A,B\n" + "".join(
        f"P{i},{a},{b}\n" for i, (a, b) in enumerate(zip(nine, eight, strict=True))
    )
    summary = _import(cli, tmp_path, text)
    assert summary["columns"] == {"Who": "who", "A": "phone_number", "B": "b"}
    assert summary["resolution"] == {"A": "content"}
    assert (
        "column 'A' resolved to phone_number by its content (90% of 10 sampled values accepted)"
        in summary["warnings"]
    )


def test_content_never_takes_fax_ids_or_dates(cli: Cli, tmp_path: Path) -> None:
    rows = "".join(
        f"P{i},{p},41555501{i:02d},2024-01-{i + 1:02d},{p}\n" for i, p in enumerate(_phones(10))
    )
    path = write_csv(tmp_path, "Who,Business Fax,Customer ID,Created,Notes\n" + rows)
    result = cli.run_import(str(path), "--json", "--dry-run")
    summary = cli.summary(result)
    assert summary["columns"]["Notes"] == "phone_number"
    assert summary["resolution"] == {"Notes": "content"}
    only_fax = write_csv(tmp_path, "Who,Business Fax\nAda,(312) 555-0100\n", "fax.csv")
    failed = cli.run_import(str(only_fax))
    assert failed.exit_code == 65
    assert "No phone column detected" in failed.stderr
    assert cli.query("SELECT count(*) FROM contacts") == [(0,)]
    assert cli.query("SELECT status, error_code FROM imports") == [("failed", "NO_KEY_COLUMN")]


@pytest.mark.parametrize(
    "header",
    [
        "Customer Number",
        "Kundennummer",
        "Kunden-Nr.",
        "Numéro client",
        "Número de cliente",
        "Codice cliente",
        "Klantnummer",
        "Account Number",
        "Order Number",
        "Invoice No",
        "VAT Number",
        "Ticket #",
        "Member #",
    ],
)
def test_content_never_takes_the_numbers_of_customers_orders_or_invoices(
    cli: Cli, tmp_path: Path, header: str
) -> None:
    # ten-digit numbers are possible US phones; the header says they are something else
    rows = "".join(f"P{i},{2125550100 + i}\n" for i in range(10))
    path = write_csv(tmp_path, f"Who,{header}\n" + rows)
    result = cli.run_import(str(path))
    assert result.exit_code == 65
    assert "No phone column detected" in result.stderr
    assert match_words(header).content_ok is False


def test_content_still_reads_a_customer_column_that_is_no_number(cli: Cli, tmp_path: Path) -> None:
    text = "Who,Customer Contact\nAda,ada@example.com\nBob,bob@example.com\n"
    summary = _import(cli, tmp_path, text)
    assert summary["resolution"] == {"Customer Contact": "content"}


def test_customer_phone_and_email_are_the_contact_s(cli: Cli, tmp_path: Path) -> None:
    text = (
        "Customer Name,Customer Phone,Customer Email,Customer Number\n"
        "Ann Lee,(312) 555-0100,ann@example.com,2125550100\n"
        "Bo Ek,(312) 555-0101,bo@example.com,2125550101\n"
    )
    summary = _import(cli, tmp_path, text)
    assert summary["columns"] == {
        "Customer Name": "name",
        "Customer Phone": "phone_number",
        "Customer Email": "email",
        "Customer Number": "customer_number",
    }
    assert summary["resolution"] == {
        "Customer Name": "alias",
        "Customer Phone": "words",
        "Customer Email": "words",
    }
    assert cli.rows(summary)["phone_number"].to_list() == ["+13125550100", "+13125550101"]


def test_content_only_when_no_header_gives_a_candidate(cli: Cli, tmp_path: Path) -> None:
    text = "Phone,Other\n" + "".join(f"{p},{p}\n" for p in _phones(5))
    summary = _import(cli, tmp_path, text)
    assert summary["columns"] == {"Phone": "phone_number", "Other": "other"}


def test_content_finds_emails(cli: Cli, tmp_path: Path) -> None:
    text = "Who,Contact\nAda,ada@example.com\nBob,BOB@example.com\nCy,cy@example.org\n"
    summary = _import(cli, tmp_path, text)
    assert summary["key"] == "email"
    assert summary["resolution"] == {"Contact": "content"}
    rows = cli.rows(summary)
    assert rows["email"].to_list() == ["ada@example.com", "bob@example.com", "cy@example.org"]
    assert json.loads(rows["variables"][0]) == {"who": "Ada"}


def test_content_finds_tel_uris(cli: Cli, tmp_path: Path) -> None:
    text = "Who,Data\n" + "".join(f"P{i},tel:+1312555{i:04d}\n" for i in range(3))
    summary = _import(cli, tmp_path, text)
    assert summary["resolution"] == {"Data": "content"}
    assert cli.rows(summary)["phone_number"].to_list() == [
        "+13125550000",
        "+13125550001",
        "+13125550002",
    ]


# Outlook's CSV headers as Microsoft's own importer lists them per language
# (Microsoft.Exchange.Transport.Sync.Common.ImportContacts.OutlookCsvLanguageSelect):
# every phone and e-mail address is a candidate, fax, pager, TTY, callback, the assistant's
# and the display names are not, the business country is the country.
@pytest.mark.parametrize(
    ("language", "header", "field"),
    [
        ("de", "Telefon geschäftlich", PHONE),
        ("de", "Telefon geschäftlich 2", PHONE),
        ("de", "Telefon privat", PHONE),
        ("de", "Telefon privat 2", PHONE),
        ("de", "Mobiltelefon", PHONE),
        ("de", "Weiteres Telefon", PHONE),
        ("de", "Haupttelefon", PHONE),
        ("de", "Autotelefon", PHONE),
        ("de", "Telefon Firma", PHONE),
        ("de", "Telefon Assistent", None),
        ("de", "Fax geschäftlich", None),
        ("de", "Fax privat", None),
        ("de", "Weiteres Fax", None),
        ("de", "Rückmeldung", None),
        ("de", "E-Mail-Adresse", EMAIL),
        ("de", "E-Mail 2: Adresse", EMAIL),
        ("de", "E-Mail 3: Adresse", EMAIL),
        ("de", "E-Mail: Angezeigter Name", None),
        ("de", "E-Mail 3: Typ", None),
        ("de", "Land/Region geschäftlich", "country"),
        ("de", "Land/Region privat", "country"),
        ("de", "Vorname", "first_name"),
        ("de", "Weitere Vornamen", None),
        ("de", "Anrede", None),
        ("de", "Firma", "company"),
        ("de", "Name des/der Vorgesetzten", None),
        ("de", "Name Assistent", None),
        ("de", "Büro", None),
        ("de", "Ort", None),
        ("es", "Teléfono del trabajo", PHONE),
        ("es", "Otro teléfono", PHONE),
        ("es", "Teléfono principal", PHONE),
        ("es", "Radioteléfono", PHONE),
        ("es", "Número de centralita de la organización", PHONE),
        ("es", "Número de teletipo", None),
        ("es", "Otro fax", None),
        ("es", "Devolución de llamada", None),
        ("es", "Dirección de correo electrónico 2", EMAIL),
        ("es", "Dirección del correo electrónico 3", EMAIL),
        ("es", "Nombre de pantalla de correo electrónico", None),
        ("es", "Tipo de correo electrónico 2", None),
        ("es", "País o región del trabajo", "country"),
        ("es", "País o región del domicilio", "country"),
        ("es", "Otro país o región", "country"),
        ("es", "Puesto", "job_title"),
        ("es", "Apellidos", "last_name"),
        ("es", "Nombre", "first_name"),
        ("es", "Segundo nombre", None),
        ("es", "Organización", "company"),
        ("es", "Nombre del director", None),
        ("es", "Profesión", None),
        ("fr", "Téléphone (bureau)", PHONE),
        ("fr", "Téléphone 2 (bureau)", PHONE),
        ("fr", "Téléphone (domicile)", PHONE),
        ("fr", "Téléphone 2 (domicile)", PHONE),
        ("fr", "Tél. mobile", PHONE),
        ("fr", "Téléphone (autre)", PHONE),
        ("fr", "Téléphone principal", PHONE),
        ("fr", "Téléphone (voiture)", PHONE),
        ("fr", "Téléphone société", PHONE),
        ("fr", "Radio téléphone", PHONE),
        ("fr", "Téléphone de l'assistant(e)", None),
        ("fr", "Télécopie (bureau)", None),
        ("fr", "Télécopie (domicile)", None),
        ("fr", "Télécopie (autre)", None),
        ("fr", "Récepteur de radiomessagerie", None),
        ("fr", "Téléphone TDD/TTY", None),
        ("fr", "Rappel", None),
        ("fr", "RNIS", None),
        ("fr", "Adresse de messagerie", EMAIL),
        ("fr", "Adresse de messagerie 2", EMAIL),
        ("fr", "Nom complet de l'adresse de messagerie", None),
        ("fr", "Type de messagerie", None),
        ("fr", "Pays/Région (bureau)", "country"),
        ("fr", "Pays/Région (domicile)", "country"),
        ("fr", "Titre", "job_title"),
        ("fr", "Nom", "last_name"),
        ("fr", "Prénom", "first_name"),
        ("fr", "Deuxième prénom", None),
        ("fr", "Société", "company"),
        ("fr", "Responsable", None),
        ("fr", "Nom de l'assistant(e)", None),
        ("fr", "Bureau", None),
        ("fr", "Conjoint(e)", None),
        ("it", "Ufficio 2", PHONE),
        ("it", "Telefono principale", PHONE),
        ("it", "Telefono auto", PHONE),
        ("it", "Telefono assistente", None),
        ("it", "Altro fax", None),
        ("it", "Richiamata automatica", None),
        ("it", "Indirizzo posta elettronica", EMAIL),
        ("it", "Indirizzo posta elettronica 3", EMAIL),
        ("it", "Nome visualizzato posta elettronica", None),
        ("it", "Paese (uff.)", "country"),
        ("it", "Paese (ab.)", "country"),
        ("it", "Nome", "first_name"),
        ("it", "Secondo nome", None),
        ("it", "Società", "company"),
        ("it", "Nome manager", None),
        ("it", "Nome assistente", None),
        ("it", "Ubicazione ufficio", None),
        ("it", "Titolo", None),
        ("nl", "Telefoon op werk", PHONE),
        ("nl", "Telefoon op werk 2", PHONE),
        ("nl", "Telefoon thuis", PHONE),
        ("nl", "Telefoon thuis 2", PHONE),
        ("nl", "Mobiele telefoon", PHONE),
        ("nl", "Andere telefoon", PHONE),
        ("nl", "Hoofdtelefoon", PHONE),
        ("nl", "Autotelefoon", PHONE),
        ("nl", "Hoofdtelefoon bedrijf", PHONE),
        ("nl", "Radiotelefoon", PHONE),
        ("nl", "Telefoon assistent", None),
        ("nl", "Fax op werk", None),
        ("nl", "Fax thuis", None),
        ("nl", "Andere fax", None),
        ("nl", "Pager", None),
        ("nl", "Teksttelefoon", None),
        ("nl", "Terugbellen", None),
        ("nl", "E-mailadres", EMAIL),
        ("nl", "E-mailadres 2", EMAIL),
        ("nl", "E-mailadres 3", EMAIL),
        ("nl", "Weergavenaam voor e-mail", None),
        ("nl", "E-mail, weergegeven naam 2", None),
        ("nl", "E-mailtype", None),
        ("nl", "Land/regio (werk)", "country"),
        ("nl", "Land/regio (thuis)", "country"),
        ("nl", "Land/regio (anders)", "country"),
        ("nl", "Functie", "job_title"),
        ("nl", "Achternaam", "last_name"),
        ("nl", "Voornaam", "first_name"),
        ("nl", "Middelste naam", None),
        ("nl", "Bedrijf", "company"),
        ("nl", "Naam manager", None),
        ("nl", "Naam assistent", None),
        ("nl", "Partner", None),
        ("nl", "Titel", None),
        ("nl", "Kantoorlocatie", None),
        ("pt_br", "Telefone comercial", PHONE),
        ("pt_br", "Telefone comercial 2", PHONE),
        ("pt_br", "Telefone residencial", PHONE),
        ("pt_br", "Telefone residencial 2", PHONE),
        ("pt_br", "Telefone celular", PHONE),
        ("pt_br", "Outro telefone", PHONE),
        ("pt_br", "Telefone principal", PHONE),
        ("pt_br", "Telefone do carro", PHONE),
        ("pt_br", "Telefone principal da empresa", PHONE),
        ("pt_br", "Radiofone", PHONE),
        ("pt_br", "Telefone do assistente", None),
        ("pt_br", "Fax comercial", None),
        ("pt_br", "Fax residencial", None),
        ("pt_br", "Outro fax", None),
        ("pt_br", "Pager", None),
        ("pt_br", "Telefone TTY/TDD", None),
        ("pt_br", "Retorno de chamada", None),
        ("pt_br", "Endereço de email 2", EMAIL),
        ("pt_br", "Endereço de email 3", EMAIL),
        ("pt_br", "Nome para exibição do email", None),
        ("pt_br", "Tipo de email", None),
        ("pt_br", "País/Região da Empresa", "country"),
        ("pt_br", "País/Região de Residência", "country"),
        ("pt_br", "Outro País/Região", "country"),
        ("pt_br", "Cargo", "job_title"),
        ("pt_br", "Sobrenome", "last_name"),
        ("pt_br", "Primeiro nome", "first_name"),
        ("pt_br", "Segundo nome", None),
        ("pt_br", "Empresa", "company"),
        ("pt_br", "Nome do gerenciador", None),
        ("pt_br", "Nome do assistente", None),
        ("pt_br", "Tratamento", None),
        ("pt_br", "Sala", None),
        ("pt_br", "Local", None),
        ("pt_pt", "Telefone da empresa", PHONE),
        ("pt_pt", "2º telefone da empresa", PHONE),
        ("pt_pt", "Telefone da residência", PHONE),
        ("pt_pt", "2º telefone da residência", PHONE),
        ("pt_pt", "Telemóvel", PHONE),
        ("pt_pt", "Outro telefone", PHONE),
        ("pt_pt", "Telefone principal", PHONE),
        ("pt_pt", "Telefone do carro", PHONE),
        ("pt_pt", "Telefone principal da empresa", PHONE),
        ("pt_pt", "Radiotelefone", PHONE),
        ("pt_pt", "Telefone do assistente", None),
        ("pt_pt", "Fax da empresa", None),
        ("pt_pt", "Fax da residência", None),
        ("pt_pt", "Tel. de resposta", None),
        ("pt_pt", "RDIS", None),
        ("pt_pt", "Endereço de correio electrónico", EMAIL),
        ("pt_pt", "Endereço do correio electrónico 2", EMAIL),
        ("pt_pt", "Nome a apresentar para o correio electrónico", None),
        ("pt_pt", "Tipo de correio electrónico", None),
        ("pt_pt", "País/Região da Empresa", "country"),
        ("pt_pt", "País da Residência/Região", "country"),
        ("pt_pt", "Cargo", "job_title"),
        ("pt_pt", "Apelido", "last_name"),
        ("pt_pt", "Primeiro nome", "first_name"),
        ("pt_pt", "Outros nomes/apelidos", None),
        ("pt_pt", "Empresa", "company"),
        ("pt_pt", "Nome do gestor", None),
        ("pt_pt", "Título", None),
        ("pt_pt", "Cônjuge", None),
    ],
)
def test_outlook_headers_of_the_seven_languages(
    language: str, header: str, field: str | None
) -> None:
    plan = resolve([header])
    resolved = plan.summary_columns()[header] if plan.resolution() else None
    assert resolved == field, language


def test_particular_is_a_phone_only_when_it_holds_phones(cli: Cli, tmp_path: Path) -> None:
    # Spanish Outlook's home phone; Brazilian Outlook's private flag
    spanish = "Nombre,Particular,Móvil\nAna,93 123 45 67,\nLuis,,612 345 678\n"
    summary = _import(cli, tmp_path, spanish, "--region", "ES")
    assert summary["columns"]["Particular"] == "phone_number"
    assert summary["resolution"]["Particular"] == "words"
    assert cli.rows(summary)["phone_number"].to_list() == ["+34931234567", "+34612345678"]
    brazilian = "Nome,Telefone celular,Particular\nAna,(11) 91234-5678,Falso\nRui,,Verdadeiro\n"
    path = write_csv(tmp_path, brazilian, "br.csv")
    result = cli.run_import(str(path), "--json", "--dry-run", "--region", "BR")
    summary = cli.summary(result)
    assert summary["columns"]["Particular"] == "particular"
    assert "Particular" not in summary["resolution"]
    assert (
        "column 'Particular' holds no phone_number values (0% look like one); "
        "kept as variable 'particular'" in summary["warnings"]
    )
    rows = cli.rows(summary).to_dicts()
    assert [r["reasons"] for r in rows] == [[], ["missing_key"]]
