"""What each page shows, assembled from query results: ready frames, figures and sentences (no Streamlit here).

One module per page (`carte`, `territoire`, `projets`, `comparer`, `france`, `methodologie`) and `common` for
what they share. Every function takes a `db.Reader` (or its `run`) so that pages pass their cached one and
tests and the command line pass one on a plain connection.
"""
