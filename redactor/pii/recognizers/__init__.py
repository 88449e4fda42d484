"""The Japanese recognizers, one per file, and the registry that switches them by name."""

from redactor.pii.recognizers.ja_address_recognizer import JaAddressRecognizer
from redactor.pii.recognizers.ja_bank_account_recognizer import JaBankAccountRecognizer
from redactor.pii.recognizers.ja_card_cvv_recognizer import JaCardCvvRecognizer
from redactor.pii.recognizers.ja_card_expiry_recognizer import JaCardExpiryRecognizer
from redactor.pii.recognizers.ja_credit_card_recognizer import JaCreditCardRecognizer
from redactor.pii.recognizers.ja_customer_id_recognizer import JaCustomerIdRecognizer
from redactor.pii.recognizers.ja_date_of_birth_recognizer import JaDateOfBirthRecognizer
from redactor.pii.recognizers.ja_drivers_license_recognizer import JaDriversLicenseRecognizer
from redactor.pii.recognizers.ja_email_recognizer import JaEmailRecognizer
from redactor.pii.recognizers.ja_ip_address_recognizer import JaIpAddressRecognizer
from redactor.pii.recognizers.ja_latin_name_recognizer import JaLatinNameRecognizer
from redactor.pii.recognizers.ja_my_number_recognizer import JaMyNumberRecognizer
from redactor.pii.recognizers.ja_ner_person_recognizer import JaNerPersonRecognizer
from redactor.pii.recognizers.ja_passport_recognizer import JaPassportRecognizer
from redactor.pii.recognizers.ja_person_recognizer import JaPersonRecognizer
from redactor.pii.recognizers.ja_phone_number_recognizer import JaPhoneNumberRecognizer
from redactor.pii.recognizers.ja_postal_code_recognizer import JaPostalCodeRecognizer

# Name used in conf/pii.yaml -> recognizer class.
RECOGNIZERS = {
    "ja_person": JaPersonRecognizer,
    "ja_ner_person": JaNerPersonRecognizer,
    "ja_latin_name": JaLatinNameRecognizer,
    "ja_phone_number": JaPhoneNumberRecognizer,
    "ja_email": JaEmailRecognizer,
    "ja_postal_code": JaPostalCodeRecognizer,
    "ja_address": JaAddressRecognizer,
    "ja_date_of_birth": JaDateOfBirthRecognizer,
    "ja_credit_card": JaCreditCardRecognizer,
    "ja_card_expiry": JaCardExpiryRecognizer,
    "ja_card_cvv": JaCardCvvRecognizer,
    "ja_my_number": JaMyNumberRecognizer,
    "ja_bank_account": JaBankAccountRecognizer,
    "ja_drivers_license": JaDriversLicenseRecognizer,
    "ja_passport": JaPassportRecognizer,
    "ja_customer_id": JaCustomerIdRecognizer,
    "ja_ip_address": JaIpAddressRecognizer,
}

__all__ = ["RECOGNIZERS"] + sorted({cls.__name__ for cls in RECOGNIZERS.values()})
