"""Synthesize the sample calls in sample_audio/ with Open JTalk (pyopenjtalk), offline.

Five short Japanese operator/caller calls in which callers give names (one spelled in Latin
letters), phone numbers, addresses, birth dates, a card number, a bank account and a spelled-out
e-mail address, some read back by the operator, in the layouts telephony sends: stereo with the
operator on the left or on the right channel (Ogg/Opus, 16 kHz), mono (Ogg/Opus) and an 8 kHz
mu-law WAV. Writes the audio files and `calls.json` (file, channel layout, turns with their
start/end in seconds, and the PII spoken, typed as in redactor.pii, with the seconds in which
it is spoken) next to this script.

Set-up (Debian): `apt-get install open-jtalk-mecab-naist-jdic` and the test extras
(`pip install -e '.[test]'`, which brings pyopenjtalk and its `mei_normal` voice). Without
OPEN_JTALK_DICT_DIR pyopenjtalk would try to download a dictionary, so this script points it at
Debian's copy and refuses to run when that is absent.

    .venv/bin/python sample_audio/make_samples.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

DEBIAN_DICT_DIR = "/var/lib/mecab/dic/open-jtalk/naist-jdic"
HERE = Path(__file__).resolve().parent
TTS_RATE = 48000
# Caller voice: the same speaker model pitched down, so the two parties sound different.
VOICES = {"operator": {"half_tone": 0.0, "speed": 1.0}, "caller": {"half_tone": -4.0, "speed": 0.95}}
LEAD_IN_S = 0.6
GAP_S = (0.45, 0.7, 0.55, 0.8)  # pauses between turns, cycled (deterministic)
NOISE_DBFS = -62.0  # faint line noise: real calls are never digitally silent

# Each turn: (speaker, text). PII: (type, text as spoken in that turn, turn index, normalized value).
CALLS = [
    {
        "id": "call01",
        "file": "call01_stereo_operator_left.ogg",
        "channels": "stereo_operator_left",
        "codec": "libopus",
        "sample_rate": 16000,
        "description": "Bank: caller changes the registered phone number (short, for service tests).",
        "turns": [
            ("operator", "お電話ありがとうございます。さくら銀行カスタマーセンターの田中でございます。"),
            ("caller", "登録している電話番号を変更したいんですが。"),
            ("operator", "かしこまりました。ご本人確認のため、お名前と生年月日をお願いいたします。"),
            ("caller", "伊藤雅美です。生年月日は昭和60年4月12日です。"),
            ("operator", "新しいお電話番号をお願いいたします。"),
            ("caller", "090-3821-4467です。"),
            ("operator", "変更を承りました。"),
        ],
        "pii": [
            ("PERSON", "田中", 0, "田中"),
            ("PERSON", "伊藤雅美", 3, "伊藤雅美"),
            ("DATE_OF_BIRTH", "昭和60年4月12日", 3, "1985-04-12"),
            ("PHONE_NUMBER", "090-3821-4467", 5, "09038214467"),
        ],
    },
    {
        "id": "call02",
        "file": "call02_stereo_operator_right.ogg",
        "channels": "stereo_operator_right",
        "codec": "libopus",
        "sample_rate": 16000,
        "description": "Mail order: caller pays by card (card number, expiry, security code).",
        "turns": [
            ("operator", "お電話ありがとうございます。ミドリ通販お支払い窓口、鈴木が承ります。"),
            ("caller", "先日注文した商品の代金をカードで払いたいんですけど。"),
            ("operator", "かしこまりました。ご注文者様のお名前とご登録のお電話番号をお願いいたします。"),
            ("caller", "佐藤健太です。電話番号は080-5512-9034です。"),
            ("operator", "佐藤健太様ですね。確認できました。それではカード番号をお願いいたします。"),
            ("caller", "4539-7812-0463-5582です。"),
            ("operator", "有効期限をお願いいたします。"),
            ("caller", "2029年8月です。"),
            ("operator", "カード裏面のセキュリティコード3桁をお願いいたします。"),
            ("caller", "735です。"),
            ("operator", "ありがとうございます。お支払いの手続きが完了しました。"),
        ],
        "pii": [
            ("PERSON", "鈴木", 0, "鈴木"),
            ("PERSON", "佐藤健太", 3, "佐藤健太"),
            ("PHONE_NUMBER", "080-5512-9034", 3, "08055129034"),
            ("PERSON", "佐藤健太", 4, "佐藤健太"),
            ("CREDIT_CARD", "4539-7812-0463-5582", 5, "4539781204635582"),
            ("CARD_EXPIRY", "2029年8月", 7, "2029-08"),
            ("CARD_CVV", "735", 9, "735"),
        ],
    },
    {
        "id": "call03",
        "file": "call03_mono.ogg",
        "channels": "mono",
        "codec": "libopus",
        "sample_rate": 16000,
        "description": "Gas utility: caller moves house (postal code, address, birth date, phone).",
        "turns": [
            ("operator", "お電話ありがとうございます。ひかりガス引っ越し受付センター、山本でございます。"),
            ("caller", "来月引っ越すので、ガスの住所変更をお願いします。"),
            ("operator", "かしこまりました。ご契約者様のお名前をお願いいたします。"),
            ("caller", "中村由美子です。"),
            ("operator", "中村由美子様ですね。ご本人確認のため、生年月日をお願いいたします。"),
            ("caller", "1978年11月3日です。"),
            ("operator", "ありがとうございます。新しいご住所を郵便番号からお願いいたします。"),
            ("caller", "郵便番号は154-0004、東京都世田谷区太子堂3丁目18番7号です。"),
            ("operator", "日中にご連絡のつくお電話番号をお願いいたします。"),
            ("caller", "03-5432-7781です。"),
            ("operator", "承知いたしました。お手続きを承りました。"),
        ],
        "pii": [
            ("PERSON", "山本", 0, "山本"),
            ("PERSON", "中村由美子", 3, "中村由美子"),
            ("PERSON", "中村由美子", 4, "中村由美子"),
            ("DATE_OF_BIRTH", "1978年11月3日", 5, "1978-11-03"),
            ("POSTAL_CODE", "154-0004", 7, "1540004"),
            ("ADDRESS", "東京都世田谷区太子堂3丁目18番7号", 7, "東京都世田谷区太子堂3丁目18番7号"),
            ("PHONE_NUMBER", "03-5432-7781", 9, "0354327781"),
        ],
    },
    {
        "id": "call04",
        "file": "call04_mono_8k_mulaw.wav",
        "channels": "mono",
        "codec": "pcm_mulaw",
        "sample_rate": 8000,
        "description": "Life insurance: identity check over a narrowband line (8 kHz mu-law WAV).",
        "turns": [
            ("operator", "お電話ありがとうございます。あおば生命お客様窓口の小林です。"),
            ("caller", "保険の契約内容を確認したいのですが。"),
            ("operator", "承知いたしました。ご契約者様のお名前と生年月日をお願いいたします。"),
            ("caller", "高橋誠です。平成2年2月14日生まれです。"),
            ("operator", "ご登録のご住所をお願いいたします。"),
            ("caller", "大阪府大阪市北区梅田1丁目2番3号です。"),
            ("operator", "ありがとうございます。ご本人様と確認できました。"),
        ],
        "pii": [
            ("PERSON", "小林", 0, "小林"),
            ("PERSON", "高橋誠", 3, "高橋誠"),
            ("DATE_OF_BIRTH", "平成2年2月14日", 3, "1990-02-14"),
            ("ADDRESS", "大阪府大阪市北区梅田1丁目2番3号", 5, "大阪府大阪市北区梅田1丁目2番3号"),
        ],
    },
    {
        "id": "call05",
        "file": "call05_mono.ogg",
        "channels": "mono",
        "codec": "libopus",
        "sample_rate": 16000,
        "description": ("Securities: caller changes the payout account (bank account read back, a name "
                        "spelled in Latin letters, an e-mail spelled out, an address with ward, town "
                        "and chome read back)."),
        "turns": [
            ("operator", "お電話ありがとうございます。はなみ証券サポートデスク、村井が承ります。"),
            ("caller", "出金先の口座を変更したいんですが。"),
            ("operator", "かしこまりました。ご本人確認のため、お名前と生年月日をお願いいたします。"),
            ("caller", "野口拓海です。生年月日は1992年5月9日です。"),
            ("operator", "ありがとうございます。新しい出金先の口座をお願いいたします。"),
            ("caller", "みなと銀行の日吉支店、普通で、口座番号は3072816です。"),
            ("operator", "普通預金の3072816ですね。口座名義をローマ字でお願いいたします。"),
            ("caller", "TAKUMI NOGUCHIです。"),
            ("operator", "ご連絡用のメールアドレスと、ご住所もお願いいたします。"),
            ("caller", "メールはティー、ノグチ、アットマーク、イグザンプル、ドット、ジェイピーで、"
                       "住所は神奈川県横浜市港北区日吉本町2丁目14番5号です。"),
            ("operator", "日吉本町2丁目14番5号の野口拓海様ですね。変更を承りました。"),
        ],
        "pii": [
            ("PERSON", "村井", 0, "村井"),
            ("PERSON", "野口拓海", 3, "野口拓海"),
            ("DATE_OF_BIRTH", "1992年5月9日", 3, "1992-05-09"),
            ("BANK_ACCOUNT", "3072816", 5, "3072816"),
            ("BANK_ACCOUNT", "3072816", 6, "3072816"),  # the operator reads it back
            ("PERSON", "TAKUMI NOGUCHI", 7, "TAKUMI NOGUCHI"),  # spelled letter by letter
            ("EMAIL_ADDRESS", "ティー、ノグチ、アットマーク、イグザンプル、ドット、ジェイピー", 9, "tnoguchi@example.jp"),
            ("ADDRESS", "神奈川県横浜市港北区日吉本町2丁目14番5号", 9, "神奈川県横浜市港北区日吉本町2丁目14番5号"),
            ("ADDRESS", "日吉本町2丁目14番5号", 10, "神奈川県横浜市港北区日吉本町2丁目14番5号"),  # read back
            ("PERSON", "野口拓海", 10, "野口拓海"),
        ],
    },
]


def _load_pyopenjtalk():
    if not os.environ.get("OPEN_JTALK_DICT_DIR"):
        if not Path(DEBIAN_DICT_DIR, "sys.dic").is_file():
            sys.exit(
                f"no Open JTalk dictionary at {DEBIAN_DICT_DIR}: run `apt-get install "
                "open-jtalk-mecab-naist-jdic` or set OPEN_JTALK_DICT_DIR (pyopenjtalk would download one)"
            )
        os.environ["OPEN_JTALK_DICT_DIR"] = DEBIAN_DICT_DIR
    try:
        import pyopenjtalk
    except ImportError:
        sys.exit("pyopenjtalk is missing: run `.venv/bin/pip install -e '.[test]'`")
    return pyopenjtalk


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """48 kHz float -> `rate` int16 through FFmpeg's resampler (PyAV), which low-passes first."""
    import av

    pcm = np.clip(samples, -32768, 32767).astype(np.int16)
    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = TTS_RATE
    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=rate)
    chunks = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.float32)


def _synthesize(pyopenjtalk, text: str, speaker: str, rate: int) -> np.ndarray:
    wave, sr = pyopenjtalk.tts(text, **VOICES[speaker])
    assert sr == TTS_RATE, sr
    # Level the voices to about -6 dBFS peak so neither party is much louder than the other.
    wave = wave * (16000.0 / max(1.0, float(np.abs(wave).max())))
    return _resample(wave, rate)


def _speech_seconds(wave: np.ndarray) -> float:
    """Where the speech of a synthesized 48 kHz wave ends (Open JTalk pads it with silence)."""
    loud = np.flatnonzero(np.abs(wave) > 0.01 * float(np.abs(wave).max()))
    return float(loud[-1] + 1) / TTS_RATE if len(loud) else 0.0


def _speech_onset(wave: np.ndarray) -> float:
    loud = np.flatnonzero(np.abs(wave) > 0.01 * float(np.abs(wave).max()))
    return float(loud[0]) / TTS_RATE if len(loud) else 0.0


def _pii_times(pyopenjtalk, text: str, speaker: str, spoken: str) -> tuple[float, float]:
    """(start, end) seconds of `spoken` inside the synthesized `text`.

    Open JTalk reports no timings, so the turn's text is synthesized up to the item's start
    and up to its end: where those prefixes' speech ends is where the item starts and ends in
    the whole turn (within tens of milliseconds: a prefix's last mora is a little longer).
    """
    offset = text.index(spoken)
    whole, _ = pyopenjtalk.tts(text, **VOICES[speaker])
    if offset == 0:
        start = _speech_onset(whole)
    else:
        start = _speech_seconds(pyopenjtalk.tts(text[:offset], **VOICES[speaker])[0])
    end = _speech_seconds(pyopenjtalk.tts(text[: offset + len(spoken)], **VOICES[speaker])[0])
    return start, min(end, _speech_seconds(whole))


def _layout_tracks(call: dict, speech: list[np.ndarray], rate: int) -> tuple[np.ndarray, list[dict]]:
    """Place turns one after another; returns (samples x channels) and the timed turns."""
    cursor = int(LEAD_IN_S * rate)
    timed = []
    for index, ((speaker, text), wave) in enumerate(zip(call["turns"], speech)):
        start = cursor
        end = start + len(wave)
        timed.append({"speaker": speaker, "text": text, "start": round(start / rate, 2), "end": round(end / rate, 2)})
        cursor = end + int(GAP_S[index % len(GAP_S)] * rate)
    total = cursor + int(LEAD_IN_S * rate)
    stereo = call["channels"].startswith("stereo")
    tracks = np.zeros((total, 2 if stereo else 1), dtype=np.float32)
    operator_channel = 1 if call["channels"] == "stereo_operator_right" else 0
    for turn, wave in zip(timed, speech):
        start = int(round(turn["start"] * rate))
        channel = (operator_channel if turn["speaker"] == "operator" else 1 - operator_channel) if stereo else 0
        tracks[start : start + len(wave), channel] += wave
    rng = np.random.default_rng(20261127)  # fixed seed: regenerating gives the same files
    tracks += rng.normal(0.0, 32768 * 10 ** (NOISE_DBFS / 20), tracks.shape).astype(np.float32)
    return np.clip(tracks, -32768, 32767).astype(np.int16), timed


def _encode(path: Path, tracks: np.ndarray, rate: int, codec: str) -> None:
    import av

    layout = "stereo" if tracks.shape[1] == 2 else "mono"
    # Bit-exact muxing: Ogg would otherwise give each file a random stream serial number, so a
    # regeneration would rewrite unchanged calls.
    with av.open(str(path), "w", format="ogg" if codec == "libopus" else "wav",
                 options={"fflags": "+bitexact"}) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        stream.codec_context.flags |= av.codec.context.Flags.bitexact
        if codec == "libopus":
            stream.bit_rate = 32000 if layout == "stereo" else 24000
        step = 960 * 4
        for offset in range(0, len(tracks), step):
            chunk = np.ascontiguousarray(tracks[offset : offset + step])
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout=layout)
            frame.sample_rate = rate
            frame.pts = offset
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def _pii_entries(pyopenjtalk, call: dict, timed: list[dict]) -> list[dict]:
    entries = []
    for entity_type, text, turn, value in call["pii"]:
        # The values are spoken verbatim: a typo here would make every downstream test lie.
        assert text in call["turns"][turn][1], (call["id"], text, turn)
        start, end = _pii_times(pyopenjtalk, call["turns"][turn][1], call["turns"][turn][0], text)
        entries.append({"type": entity_type, "text": text, "turn": turn, "value": value,
                        "start": round(timed[turn]["start"] + start, 2), "end": round(timed[turn]["start"] + end, 2)})
    return entries


def build(out_dir: Path) -> dict:
    """Synthesize every call into `out_dir`; returns the calls.json document written there."""
    pyopenjtalk = _load_pyopenjtalk()
    out_dir.mkdir(parents=True, exist_ok=True)
    document = {
        "generator": "sample_audio/make_samples.py (pyopenjtalk, voice mei_normal; caller pitched -4 half tones)",
        "calls": [],
    }
    for call in CALLS:
        rate = call["sample_rate"]
        speech = [_synthesize(pyopenjtalk, text, speaker, rate) for speaker, text in call["turns"]]
        tracks, timed = _layout_tracks(call, speech, rate)
        _encode(out_dir / call["file"], tracks, rate, call["codec"])
        document["calls"].append(
            {
                "id": call["id"],
                "file": call["file"],
                "channels": call["channels"],
                "codec": call["codec"].removeprefix("lib"),
                "sample_rate": rate,
                "duration": round(len(tracks) / rate, 2),
                "description": call["description"],
                "turns": timed,
                "pii": _pii_entries(pyopenjtalk, call, timed),
            }
        )
        size_kb = (out_dir / call["file"]).stat().st_size // 1024
        print(f"{call['file']}: {len(tracks) / rate:.1f} s, {size_kb} KB", file=sys.stderr)
    (out_dir / "calls.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="directory for the audio files and calls.json")
    build(parser.parse_args().out)


if __name__ == "__main__":
    main()
