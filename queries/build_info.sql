-- When and from where the database was built.
-- params: none
-- columns: cle, valeur
select cle, valeur
from build_info
order by cle
