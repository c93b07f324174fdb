-- Former commune codes (merged communes) and the current commune, for 2018 polygons and old addresses.
-- params: none
-- columns: ancien_code, commune_code
select ancien_code, commune_code
from commune_ancien_code
order by ancien_code
