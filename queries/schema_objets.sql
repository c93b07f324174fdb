-- The tables and views of the base (to tell a base built by an older version, without some of them, from a fault).
-- params: none
-- columns: nom
select table_name as nom
from information_schema.tables
order by nom
