"""painresponse."""
