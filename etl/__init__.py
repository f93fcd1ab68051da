"""contacts-etl: import contact CSV files into outreach campaigns."""

__version__ = "0.1.0"
