"""Maintenance tools of the painresponse repository; not part of the installed package."""
