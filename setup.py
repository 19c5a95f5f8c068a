"""Only what pyproject.toml cannot say: the packages under bot/ (found, so a new one is never left out
of a wheel) plus knowledge/, shipped inside the package as bot/bundled_knowledge so that a regular,
non-editable install answers out of the box. A checkout or an editable install reads knowledge/
itself (bot/config.py)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["bot", "bot.*"]), "bot.bundled_knowledge"],
    package_dir={"bot.bundled_knowledge": "knowledge"},
    package_data={
        "bot.bundled_knowledge": ["*.yaml", "*.yml", "sources/*"],
        # The sentence model's tokenizer and its licence; the timeline picture's fonts and theirs.
        "bot": ["models/*.json", "models/*.md", "models/*.txt", "fonts/*.ttf", "fonts/*.md", "fonts/*.txt"],
    },
)
