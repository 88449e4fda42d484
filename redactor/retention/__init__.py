"""Retention: limits per artifact, legal holds, contract ends, crash-safe purging, the report.

    from redactor.retention.policy import get_policy, set_policy, RetentionPolicy
    from redactor.retention.purge import purge_expired_artifacts
    from redactor.retention.report import retention_report
    from redactor.retention.holds import place_hold, release_hold
    from redactor.retention.contract_ends import record_contract_end
    from redactor.retention.consent_changes import change_consent

Its tables live in `redactor.store.retention_tables`; its command-line commands (`redactor purge`,
`redactor audit`) in `redactor.service.retention_commands`.
"""
