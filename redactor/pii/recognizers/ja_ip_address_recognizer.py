"""IP_ADDRESS: IPv4 and IPv6, checked by the ipaddress module."""

from __future__ import annotations

import ipaddress
from typing import Optional

from redactor.pii.recognizers.base import JaPattern, JaPatternRecognizer


class JaIpAddressRecognizer(JaPatternRecognizer):
    ENTITY = "IP_ADDRESS"
    PATTERNS = [
        JaPattern("IPv4 (medium)", r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)", 0.6),
        JaPattern("IPv6 (medium)", r"(?<![0-9A-Fa-f:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Fa-f:])", 0.5),
    ]
    CONTEXT = ["ip", "アドレス", "あいぴー"]

    def validate_result(self, value: str) -> Optional[bool]:
        try:
            ipaddress.ip_address(value)
        except ValueError:
            return False
        return True
