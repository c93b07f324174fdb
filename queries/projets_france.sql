-- Projects of every loaded list inside the territories of a phase and in the rest of France, by measure and
-- priority: placed projects (a commune, or a point in a territory) inside, placed outside, and not placed.
-- params: $phase INTEGER
-- columns: mesure, priorite, dans_territoires, hors_territoires, non_places
with liens as (
    select
        p.mesure,
        p.priorite,
        pt.ti_id is not null as dedans,
        p.commune_code is not null or pt.ti_id is not null as place
    from projet as p
    left join projet_territoire as pt on pt.projet_id = p.projet_id and pt.phase = $phase
),

final as (
    select
        mesure,
        priorite,
        count(*) filter (where dedans) as dans_territoires,
        count(*) filter (where place and not dedans) as hors_territoires,
        count(*) filter (where not place) as non_places
    from liens
    group by mesure, priorite
)

select * from final
order by priorite, mesure
