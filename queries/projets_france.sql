-- Laureates of the project lists of the given readings inside the territories of a phase and in the rest of France,
-- by measure and priority. A laureate is counted once in each territory it is placed in (table projet_laureat);
-- outside, once in the rest of France. « Placed » means a commune, or a point in a territory; placed projects outside
-- every territory count in the rest of France only when their département is one whose population the rest of
-- France divides by (hors_departements: New Caledonia, French Polynesia); the others are not placed.
-- params: $phase INTEGER, $lectures VARCHAR[] (projet_import.lecture counted: dge, friches, equipe)
-- columns: mesure, priorite, dans_territoires, hors_territoires, non_places, hors_departements
with liens as (
    select
        replace(p.mesure, '’', '''') as mesure,
        p.priorite,
        l.laureat,
        pt.ti_id,
        d.code is not null as departement_connu,
        p.commune_code is not null or pt.ti_id is not null as place
    from projet as p
    inner join projet_import as i on i.import_id = p.import_id
    inner join projet_laureat as l on l.projet_id = p.projet_id
    left join projet_territoire as pt on pt.projet_id = p.projet_id and pt.phase = $phase
    left join departement as d on d.code = p.departement_code
    where list_contains($lectures, i.lecture)
),

final as (
    select
        mesure,
        priorite,
        count(distinct (ti_id, laureat)) filter (where ti_id is not null) as dans_territoires,
        count(distinct laureat) filter (where place and ti_id is null and departement_connu) as hors_territoires,
        count(distinct laureat) filter (where not place) as non_places,
        count(distinct laureat) filter (where place and ti_id is null and not departement_connu) as hors_departements
    from liens
    group by mesure, priorite
)

select * from final
order by priorite, mesure
