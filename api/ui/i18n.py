"""Labels of the review workspace: Japanese by default, English with `?lang=en` (kept in a cookie).

Templates call `t("key")`; a key missing from a language falls back to Japanese, then to the key,
so a missing label shows up on screen instead of failing the page.
"""

from __future__ import annotations

from fastapi import Request

from api.ui.case_labels import CASE_MESSAGES
from api.ui.sessions import LANG_COOKIE
from redactor.pii.entities import ENTITY_SPECS, ENTITY_TYPES  # noqa: F401  (ENTITY_TYPES: for the UI modules)

LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"

# From the entity registry (redactor/pii/entities.py), which imports nothing heavy.
ENTITY_LABELS = {
    "ja": {t: spec.label_ja for t, spec in ENTITY_SPECS.items()},
    "en": {t: spec.label_en for t, spec in ENTITY_SPECS.items()},
}

STATUS_LABELS = {
    "ja": {"queued": "待機中", "transcribing": "文字起こし中", "redacting": "秘匿処理中", "done": "完了",
           "failed": "失敗", "consent_blocked": "同意なし（未処理）"},
    "en": {"queued": "Queued", "transcribing": "Transcribing", "redacting": "Redacting", "done": "Done",
           "failed": "Failed", "consent_blocked": "No consent (not processed)"},
}

# Reason codes of failed / blocked calls (redactor.jobs.states.FailureReason, transcribe errors,
# consent decisions). Unknown codes are shown as the code itself.
REASON_LABELS = {
    "ja": {
        "audio_missing": "音声ファイルがありません（削除済みまたは消失）",
        "audio_integrity": "保存された音声の改ざん検知に失敗しました",
        "attempts_exhausted": "再試行の上限に達しました",
        "interrupted_too_often": "処理中の中断が続きました",
        "internal_error": "内部エラー",
        "audio_unreadable": "音声を読み取れません",
        "audio_empty": "音声が空です",
        "audio_truncated": "音声ファイルが途中で切れています",
        "audio_channel_layout": "チャンネル構成が音声と一致しません",
        "consent_declined_not_allowed": "通話者が録音を拒否しました（音声は保存されていません）",
        "consent_withdrawn_not_allowed": "通話者が同意を撤回しました（音声は保存されていません）",
        "consent_unknown_not_allowed": "同意の状態が不明です（音声は保存されていません）",
        "consent_granted_not_allowed": "同意ありですが、現在のポリシーでは処理しません",
        "consent_notice_given_not_allowed": "告知のみの通話は現在のポリシーでは処理しません",
    },
    "en": {
        "audio_missing": "The audio is gone (purged or lost)",
        "audio_integrity": "The stored audio failed its integrity check",
        "attempts_exhausted": "Retried too often",
        "interrupted_too_often": "Interrupted during every attempt",
        "internal_error": "Internal error",
        "audio_unreadable": "The audio cannot be read",
        "audio_empty": "The audio is empty",
        "audio_truncated": "The audio file is cut short",
        "audio_channel_layout": "The channel layout does not match the audio",
        "consent_declined_not_allowed": "The caller declined recording (audio not stored)",
        "consent_withdrawn_not_allowed": "The caller withdrew consent (audio not stored)",
        "consent_unknown_not_allowed": "Consent state unknown (audio not stored)",
        "consent_granted_not_allowed": "Consent granted, but the current policy does not process it",
        "consent_notice_given_not_allowed": "Notice-only calls are not processed under the current policy",
    },
}

CONSENT_LABELS = {
    "ja": {"granted": "同意あり", "notice_given": "告知済み", "declined": "拒否", "withdrawn": "撤回",
           "unknown": "不明"},
    "en": {"granted": "Granted", "notice_given": "Notice given", "declined": "Declined", "withdrawn": "Withdrawn",
           "unknown": "Unknown"},
}

SPEAKER_LABELS = {
    "ja": {"operator": "オペレーター", "caller": "お客様", "unknown": "話者不明"},
    "en": {"operator": "Operator", "caller": "Caller", "unknown": "Speaker"},
}

MESSAGES = {
    "ja": {
        "app_title": "通話レビュー",
        "skip_to_content": "本文へ移動",
        "sign_in": "サインイン",
        "sign_out": "サインアウト",
        "api_key": "APIキー",
        "api_key_help": "QA または個人情報管理者のAPIキーを入力してください。キーはこのブラウザに保存されず、セッションCookieだけが残ります。",
        "signin_failed": "APIキーが正しくないか、無効化されています。",
        "signin_locked": "失敗したサインインが多すぎます。しばらく待ってから再度お試しください。",
        "access": "アクセス",
        "auth_failures_week": "過去7日間の認証失敗: API {api} 件、サインイン {ui} 件、ロックアウト {lockouts} 件。",
        "raw_audio_key_mints": "録音原本を再生できるキー（個人情報管理者キー）の発行",
        "key": "キー",
        "key_state": "状態",
        "key_active": "有効",
        "key_revoked": "無効化済み",
        "signin_role": "このキーのロール（{role}）ではレビュー画面を使えません。qa または privacy_manager のキーでサインインしてください。",
        "signin_expired": "フォームの有効期限が切れました。もう一度サインインしてください。",
        "signed_in_as": "ロール: {role}（キー {key_id}）",
        "calls": "通話一覧",
        "privacy": "個人情報管理",
        "filters": "絞り込み",
        "search": "検索",
        "search_placeholder": "秘匿済みテキストを検索",
        "search_qa_only": "本文検索は QA ロールのみ使えます。",
        "date_from": "開始日",
        "date_to": "終了日",
        "operator": "オペレーター",
        "status": "状態",
        "entity_type": "検出された個人情報",
        "any": "すべて",
        "apply": "適用",
        "reset": "クリア",
        "started_at": "通話日時",
        "direction": "方向",
        "inbound": "着信",
        "outbound": "発信",
        "duration": "長さ",
        "entities": "秘匿項目",
        "open": "開く",
        "no_calls": "条件に合う通話はありません。",
        "no_hits": "「{q}」に一致する発話はありません。",
        "hits_for": "「{q}」の検索結果",
        "next_page": "次のページ",
        "first_page": "最初のページ",
        "call": "通話",
        "external_id": "外部ID",
        "channels": "チャンネル",
        "consent": "同意",
        "processing": "処理状況",
        "processing_note": "この通話はまだ処理が終わっていません。画面は自動で更新されます。",
        "failed_reason": "理由",
        "no_transcript": "この通話には文字起こしがありません。",
        "redacted_audio": "秘匿済み音声",
        "no_redacted_audio": "秘匿済み音声はありません（未作成、または保存期間を過ぎて削除済み）。",
        "timeline": "タイムライン（赤い部分は秘匿区間）",
        "redacted_range": "秘匿区間",
        "conversation": "会話",
        "play_from": "{time} から再生",
        "back_to_list": "一覧へ戻る",
        "forbidden": "このページは個人情報管理者のみ表示できます。",
        "not_found": "通話が見つかりません。",
        "language": "English",
        "retention_policy": "保存期間ポリシー",
        "retention_report": "保存期間レポート",
        "legal_holds": "リーガルホールド",
        "privacy_requests": "開示・削除請求",
        "audit_chain": "監査ログの検証",
        "audit_ok": "監査ログは改ざんされていません（{count} 件のイベントを検証）。",
        "audit_problems": "監査ログに問題があります:",
        "artifact": "対象",
        "held_count": "保存数",
        "age_under_1d": "1日未満",
        "age_1d_to_7d": "1〜7日",
        "age_7d_to_30d": "7〜30日",
        "age_30d_to_90d": "30〜90日",
        "age_90d_to_365d": "90〜365日",
        "age_over_365d": "365日超",
        "overdue": "期限超過",
        "on_hold": "ホールド中",
        "oldest_vs_limit": "最古のもの（経過 / 上限）",
        "days": "{n}日",
        "due_at": "削除予定",
        "waiting_contract_end": "契約終了日の登録待ち",
        "report_help": "有効なホールド {holds} 件、削除処理中のファイル {pending} 件。作成:",
        "artifact_raw_audio": "元の音声",
        "artifact_redacted_transcript": "秘匿済み文字起こし",
        "artifact_redacted_audio": "秘匿済み音声",
        "count_from": "起算日",
        "count_from_call_start": "通話日",
        "count_from_contract_end": "契約終了日",
        "duration_help": "期間は ISO 8601 形式（例: P30D = 30日、PT12H = 12時間）または秒数。短くした上限は次回の削除処理から既存の通話にも適用されます。",
        "policy_advanced": "オペレーターグループと例外（JSON）",
        "call_id": "通話ID",
        "hold_reason": "理由（案件番号など）",
        "placed_at": "設定日時",
        "place_hold": "ホールドを設定",
        "release_hold": "解除",
        "no_holds": "有効なリーガルホールドはありません。",
        "requests_help": "開示データの作成と削除の実行の記録です。請求の受付から通知までは「開示等の請求（案件）」で管理します（API連携の請求も案件になります）。",
        "received_at": "受付日時",
        "request_type": "種別",
        "request_disclosure": "開示",
        "request_deletion": "削除",
        "verification": "本人確認",
        "calls_found": "該当通話",
        "calls_held": "ホールドで保留",
        "package": "開示パッケージ",
        "no_requests": "請求はまだありません。",
        "recent_events": "最近の監査イベント",
        "event_time": "日時 (UTC)",
        "event_type": "種別",
        "actor": "実行者",
        "consent_policy": "同意ポリシー",
        "consent_policy_help": "チェックした同意状態の通話だけを処理します。それ以外は音声を保存せず、メタデータのみ記録します（変更は監査ログに残ります）。",
        "save": "保存",
        "saved": "保存しました。",
        "csrf_failed": "フォームの有効期限が切れました。ページを再読み込みしてやり直してください。",
        "form_nul": "{fields}: NUL 文字（U+0000）が含まれています。どの項目にも使えない文字です。取り除いてやり直してください。",
    },
    "en": {
        "app_title": "Call review",
        "skip_to_content": "Skip to content",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "api_key": "API key",
        "api_key_help": "Enter a QA or privacy-manager API key. The key is not stored in this browser; only a session cookie is.",
        "signin_failed": "The API key is wrong or has been revoked.",
        "signin_locked": "Too many failed sign-ins. Wait a while, then try again.",
        "access": "Access",
        "auth_failures_week": "Failed authentications in the last 7 days: API {api}, sign-in {ui}, lockouts {lockouts}.",
        "raw_audio_key_mints": "Keys minted that can play raw recordings (privacy_manager keys)",
        "key": "Key",
        "key_state": "State",
        "key_active": "active",
        "key_revoked": "revoked",
        "signin_role": "A key with the role {role} cannot use the review workspace; sign in with a qa or privacy_manager key.",
        "signin_expired": "The form expired; please sign in again.",
        "signed_in_as": "Role: {role} (key {key_id})",
        "calls": "Calls",
        "privacy": "Privacy",
        "filters": "Filters",
        "search": "Search",
        "search_placeholder": "Search redacted text",
        "search_qa_only": "Text search is for the QA role.",
        "date_from": "From",
        "date_to": "To",
        "operator": "Operator",
        "status": "Status",
        "entity_type": "Personal data found",
        "any": "Any",
        "apply": "Apply",
        "reset": "Clear",
        "started_at": "Started",
        "direction": "Direction",
        "inbound": "Inbound",
        "outbound": "Outbound",
        "duration": "Length",
        "entities": "Redacted",
        "open": "Open",
        "no_calls": "No calls match.",
        "no_hits": "No turn contains \u201c{q}\u201d.",
        "hits_for": "Results for \u201c{q}\u201d",
        "next_page": "Next page",
        "first_page": "First page",
        "call": "Call",
        "external_id": "External ID",
        "channels": "Channels",
        "consent": "Consent",
        "processing": "Processing",
        "processing_note": "This call is not processed yet; this page refreshes by itself.",
        "failed_reason": "Reason",
        "no_transcript": "This call has no transcript.",
        "redacted_audio": "Redacted audio",
        "no_redacted_audio": "No redacted audio (not made yet, or removed at its retention limit).",
        "timeline": "Timeline (red: redacted)",
        "redacted_range": "Redacted",
        "conversation": "Conversation",
        "play_from": "Play from {time}",
        "back_to_list": "Back to the list",
        "forbidden": "This page is for privacy managers.",
        "not_found": "No such call.",
        "language": "日本語",
        "retention_policy": "Retention policy",
        "retention_report": "Retention report",
        "legal_holds": "Legal holds",
        "privacy_requests": "Privacy requests",
        "audit_chain": "Audit chain",
        "audit_ok": "The audit chain is intact ({count} events verified).",
        "audit_problems": "The audit chain has problems:",
        "artifact": "Artifact",
        "held_count": "Held",
        "age_under_1d": "< 1 day",
        "age_1d_to_7d": "1-7 days",
        "age_7d_to_30d": "7-30 days",
        "age_30d_to_90d": "30-90 days",
        "age_90d_to_365d": "90-365 days",
        "age_over_365d": "> 365 days",
        "overdue": "Overdue",
        "on_hold": "On hold",
        "oldest_vs_limit": "Oldest (age / limit)",
        "days": "{n} d",
        "due_at": "Due",
        "waiting_contract_end": "Waiting for a contract end",
        "report_help": "{holds} active hold(s), {pending} file deletion(s) in progress. Generated",
        "artifact_raw_audio": "Raw audio",
        "artifact_redacted_transcript": "Redacted transcript",
        "artifact_redacted_audio": "Redacted audio",
        "count_from": "Count from",
        "count_from_call_start": "Call start",
        "count_from_contract_end": "Contract end",
        "duration_help": "Durations are ISO 8601 (P30D = 30 days, PT12H = 12 hours) or seconds. A shortened limit applies to existing calls at the next purge.",
        "policy_advanced": "Operator groups and overrides (JSON)",
        "call_id": "Call ID",
        "hold_reason": "Reason (e.g. a case number)",
        "placed_at": "Placed",
        "place_hold": "Place hold",
        "release_hold": "Release",
        "no_holds": "No active legal holds.",
        "requests_help": "Each disclosure package built and each deletion run. Requests themselves, from receipt to notification, are handled under Data-subject requests (requests made through the API open a case too).",
        "received_at": "Received",
        "request_type": "Type",
        "request_disclosure": "Disclosure",
        "request_deletion": "Deletion",
        "verification": "Identity check",
        "calls_found": "Calls found",
        "calls_held": "Kept by a hold",
        "package": "Package",
        "no_requests": "No requests yet.",
        "recent_events": "Recent audit events",
        "event_time": "Time (UTC)",
        "event_type": "Type",
        "actor": "Actor",
        "consent_policy": "Consent policy",
        "consent_policy_help": "Only calls in the checked consent states are processed; others keep metadata only, their audio is never stored (changes are audited).",
        "save": "Save",
        "saved": "Saved.",
        "csrf_failed": "The form expired; reload the page and try again.",
        "form_nul": "{fields}: a NUL character (U+0000), which no text here may hold; remove it and try again.",
    },
}


def language_of(request: Request) -> str:
    """`?lang=` first, then the language cookie, then Japanese."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE

for _lang, _labels in CASE_MESSAGES.items():  # the privacy-case pages' labels (api.ui.case_labels)
    MESSAGES[_lang].update(_labels)


class Labels:
    """The labels of one language, callable from templates."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE

    def __call__(self, key: str, **values: object) -> str:
        text = MESSAGES[self.lang].get(key) or MESSAGES[DEFAULT_LANGUAGE].get(key) or key
        return text.format(**values) if values else text

    def entity(self, entity_type: str) -> str:
        return ENTITY_LABELS[self.lang].get(entity_type, entity_type)

    def status(self, status: str) -> str:
        return STATUS_LABELS[self.lang].get(status, status)

    def reason(self, code: str | None) -> str:
        if not code:
            return ""
        return REASON_LABELS[self.lang].get(code, code)

    def consent(self, state: str) -> str:
        return CONSENT_LABELS[self.lang].get(state, state)

    def speaker(self, speaker: str) -> str:
        return SPEAKER_LABELS[self.lang].get(speaker, speaker)
