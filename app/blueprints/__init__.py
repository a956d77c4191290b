"""One blueprint per audience: public, auth, family, staff, admin."""
