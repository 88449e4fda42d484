"""redactor: call-recording consent and PII redaction for Japanese call centers.

Importing the package first closes the doors through which libraries we use would reach the
network at run time: Hugging Face downloads (faster-whisper), onnxruntime telemetry (Silero
VAD) and tldextract's Public Suffix List fetch (Presidio's e-mail recognizer). A deployment
may still override these variables explicitly, but the defaults are "offline".
"""

import os

for _name, _value in (
    ("HF_HUB_OFFLINE", "1"),
    ("ORT_DISABLE_TELEMETRY", "1"),
    ("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", ""),
):
    os.environ.setdefault(_name, _value)

__version__ = "0.1.0"
