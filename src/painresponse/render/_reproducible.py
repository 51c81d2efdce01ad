"""Office files (``.docx``, ``.xlsx``) with the same bytes for the same report.

A Word or Excel file is a zip archive. python-docx and openpyxl stamp every zip entry with
the time of writing, and openpyxl also writes the time into ``docProps/core.xml`` (it sets
``modified`` itself at save time, whatever the workbook says). :func:`write_reproducible_zip`
rewrites such an archive with one fixed date everywhere, keeping the entries, their order
and their compression, so that identical inputs give byte-identical files.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

__all__ = ["FIXED_DATE_TIME", "FIXED_TIMESTAMP", "write_reproducible_zip"]

#: The date of every zip entry: the earliest date a zip file can hold.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
#: The same instant as written in ``docProps/core.xml`` (W3CDTF, UTC).
FIXED_TIMESTAMP = "1980-01-01T00:00:00Z"
_CORE_PROPERTIES = "docProps/core.xml"
_CORE_DATE = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def write_reproducible_zip(archive: bytes, path: str | Path) -> Path:
    """Write the zip ``archive`` to ``path`` with fixed dates and file attributes.

    Parameters
    ----------
    archive : bytes
        A zip file as written by python-docx or openpyxl.
    path : str or Path
        The file to write.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Every entry gets the date :data:`FIXED_DATE_TIME`, MS-DOS as its creating system and no
    file attributes (the values Office itself writes do not depend on the platform either);
    the ``created`` and ``modified`` dates of ``docProps/core.xml`` become
    :data:`FIXED_TIMESTAMP`. Entry order, names and compression method are kept.

    Examples
    --------
    >>> import io, zipfile, tempfile
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as z:
    ...     z.writestr("a.txt", "hello")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = write_reproducible_zip(buffer.getvalue(), Path(folder) / "a.zip")
    ...     with zipfile.ZipFile(out) as written:
    ...         print(written.infolist()[0].date_time)
    (1980, 1, 1, 0, 0, 0)
    """
    out = Path(path)
    fixed_date = FIXED_TIMESTAMP.encode("ascii")
    with (
        zipfile.ZipFile(io.BytesIO(archive)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == _CORE_PROPERTIES:
                content = _CORE_DATE.sub(rb"\g<1>" + fixed_date + rb"\g<3>", content)
            fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_DATE_TIME)
            fixed.compress_type = entry.compress_type
            fixed.create_system = 0
            fixed.external_attr = 0
            target.writestr(fixed, content)
    return out
