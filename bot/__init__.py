"""assessment-bot: answers questions about the Atlantic Council's assessments, quoting the article."""
