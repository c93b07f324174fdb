-- The whole of one reading in all of France: rows of the lists of the given readings (one priority, or all when
-- $priorite is NULL), the laureates they make (table projet_laureat; a laureate with sites in several places is
-- one here), and those placed in one of the 101 départements (France's population divides them).
-- params: $priorite VARCHAR (NULL = every priority), $lectures VARCHAR[] (projet_import.lecture counted: dge, friches, equipe)
-- columns: lignes, laureats, laureats_departements
select
    count(*) as lignes,
    count(distinct l.laureat) as laureats,
    count(distinct l.laureat) filter (where d.code is not null) as laureats_departements
from projet as p
inner join projet_import as i on i.import_id = p.import_id
inner join projet_laureat as l on l.projet_id = p.projet_id
left join departement as d on d.code = p.departement_code
where ($priorite is null or p.priorite = $priorite) and list_contains($lectures, i.lecture)
