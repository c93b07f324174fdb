-- The readings that answer a priority (the reviewed reading model, table lecture), in the order pages show them:
-- the lead readings first, then those beside them, then the staff's own lists.
-- params: $priorite VARCHAR (a priority of the programme, or 'toutes'; NULL = 'toutes')
-- columns: priorite, source, niveau, role, ordre, libelle, libelle_court, laisse_de_cote
select
    priorite,
    source,
    niveau,
    role,
    ordre,
    libelle,
    libelle_court,
    laisse_de_cote
from lecture
where priorite = coalesce($priorite, 'toutes')
order by case role when 'principale' then 0 when 'a_cote' then 1 else 2 end, ordre
