-- Postcode of each commune (a commune may have several, a postcode several communes), for placing projects.
-- params: none
-- columns: commune_code, code_postal
select commune_code, code_postal
from commune_code_postal
order by code_postal, commune_code
