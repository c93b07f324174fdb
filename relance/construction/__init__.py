"""The build side: raw sources read and checked, geometry prepared, project lists kept and placed, the database
written atomically. The dashboard never imports this package (tests/test_relance.py checks it); it runs
`python -m relance import` in a child process when a list is saved or removed."""
