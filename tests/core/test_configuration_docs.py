import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_variable_in_env_example_is_documented():
    example = (ROOT / ".env.example").read_text()
    names = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    docs = (ROOT / "docs" / "configuration.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", docs, flags=re.MULTILINE))
    assert names, "no variables found in .env.example"
    assert names - documented == set()


def test_every_documented_variable_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    names = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    docs = (ROOT / "docs" / "configuration.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", docs, flags=re.MULTILINE))
    assert documented - names == set()
