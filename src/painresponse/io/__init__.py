"""Reading and validating the researchers' records."""

from painresponse.io.readers import RawTable, read_table
from painresponse.io.validation import validate

__all__ = ["RawTable", "read_table", "validate"]
