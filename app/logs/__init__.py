"""The service for one child's log, composing documents, encryption, Git and the index."""
