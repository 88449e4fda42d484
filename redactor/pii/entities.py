"""The entity types redactor reports (exact names are part of the public API)."""

ENTITY_TYPES = (
    "PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "POSTAL_CODE", "ADDRESS", "DATE_OF_BIRTH", "CREDIT_CARD",
    "CARD_EXPIRY", "CARD_CVV", "MY_NUMBER", "BANK_ACCOUNT", "DRIVERS_LICENSE", "PASSPORT", "CUSTOMER_ID",
    "IP_ADDRESS",
)
# Identifiers made of digits: a digit run may stand for them when speech recognition garbles.
NUMERIC_TYPES = (
    "PHONE_NUMBER", "CREDIT_CARD", "MY_NUMBER", "BANK_ACCOUNT", "DRIVERS_LICENSE", "PASSPORT", "CUSTOMER_ID",
    "POSTAL_CODE", "CARD_CVV", "CARD_EXPIRY", "IP_ADDRESS",
)
