"""Data-subject requests as the privacy policy runs them, and the third-party provision ledger.

    from redactor.privacy_cases import cases, fulfilment, provisions, states, steps

`states` is the state machine (received -> form sent -> identity verified -> fee received ->
fulfilled | withheld | rejected -> notified); `cases` records each step, audited with codes and
ids only; `fulfilment` runs the disclosure package, deletion, consent withdrawal (stop of use)
and call-metadata corrections (`corrections`); `provisions` keeps the APPI record of provisions
to third parties and the outsourcing contractors. `steps` is how the API and the UI take a case's
steps: one name per step, `take_step` runs it and commits.
"""
