-- The DGE rows that give tonnes of CO2 avoided, with their description: what period the figure covers is read
-- from the descriptions that state it (Méthodologie).
-- params: none
-- columns: tonnes_co2, description
select p.tonnes_co2, p.description
from projet as p
inner join projet_import as i on i.import_id = p.import_id
where i.lecture = 'dge' and p.tonnes_co2 is not null
order by p.projet_id
