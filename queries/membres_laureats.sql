-- France Relance laureates of one territory by member (EPCI, EPT of the Grand Paris, or commune) and priority,
-- counted once each as the territory counts them (table projet_laureat, the given lists only): a laureate belongs to
-- the member of its row's commune (territoire_commune.membre_siren; projet.epci_siren misses some); a laureate whose
-- rows lie in several members is counted once, in the member of its first row that has a commune (lowest projet_id
-- among them: arg_min skips the rows without one); a laureate placed
-- in the territory by its point alone, without a commune, has a line of its own (siren NULL). The members' counts add
-- up to the territory's. Every member is listed, with or without a laureate (priorite NULL, nb_laureats 0).
-- params: $phase INTEGER, $ti VARCHAR, $priorite VARCHAR (NULL = every priority), $lectures VARCHAR[] (projet_import.lecture counted: dge, friches, equipe)
-- columns: siren, nom, type, population, nb_communes, priorite, nb_laureats
with lignes as (
    select l.laureat, p.projet_id, p.priorite, tc.membre_siren
    from projet_territoire as pt
    inner join projet as p on p.projet_id = pt.projet_id
    inner join projet_import as i on i.import_id = p.import_id
    inner join projet_laureat as l on l.projet_id = p.projet_id
    left join territoire_commune as tc
        on tc.phase = pt.phase and tc.ti_id = pt.ti_id and tc.commune_code = p.commune_code
    where pt.phase = $phase and pt.ti_id = $ti and ($priorite is null or p.priorite = $priorite)
        and list_contains($lectures, i.lecture)
),

laureats as (
    select
        laureat,
        arg_min(membre_siren, projet_id) as membre_siren,
        arg_min(priorite, projet_id) as priorite
    from lignes
    group by laureat
),

membres as (
    select siren, nom, type, population, nb_communes
    from territoire_membre_type
    where phase = $phase and ti_id = $ti
),

par_membre as (
    select membre_siren, priorite, count(*) as nb_laureats
    from laureats
    group by membre_siren, priorite
),

final as (
    select m.siren, m.nom, m.type, m.population, m.nb_communes, p.priorite, coalesce(p.nb_laureats, 0) as nb_laureats
    from membres as m
    left join par_membre as p on p.membre_siren = m.siren
    union all
    select null, null, null, null, null, p.priorite, p.nb_laureats
    from par_membre as p
    where p.membre_siren is null
)

select siren, nom, type, population, nb_communes, priorite, nb_laureats
from final
order by population desc nulls last, siren, priorite
