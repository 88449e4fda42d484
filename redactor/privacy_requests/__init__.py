"""Data-subject requests: disclosure (a ZIP of everything held) and deletion (erase it all).

    from redactor.privacy_requests.disclosure import build_disclosure
    from redactor.privacy_requests.deletion import erase_caller
    from redactor.privacy_requests.records import list_requests

The caller is found through the keyed hash of the number the requester gives (never stored).
Each request is recorded in `privacy_requests` (type, status, how identity was verified, counts)
and audited, without personal data.
"""
