-- Current communes with their département and EPCI, for placing projects.
-- params: none
-- columns: code, nom, departement_code, epci_siren
select code, nom, departement_code, epci_siren
from commune
order by code
