-- Projects per territory of a phase (all, and per programme priority), per 10,000 inhabitants, with amounts when lists have them.
-- params: $phase INTEGER
-- columns: ti_id, nb_projets, nb_foncier, nb_competences, nb_innover, projets_10000, montant_aide
with liens as (
    select pt.ti_id, p.priorite, p.montant_aide
    from projet_territoire as pt
    inner join projet as p on p.projet_id = pt.projet_id
    where pt.phase = $phase
),

final as (
    select
        t.ti_id,
        count(l.ti_id) as nb_projets,
        count(l.ti_id) filter (where l.priorite = 'foncier') as nb_foncier,
        count(l.ti_id) filter (where l.priorite = 'competences') as nb_competences,
        count(l.ti_id) filter (where l.priorite = 'innover') as nb_innover,
        count(l.ti_id) / any_value(t.population) * 10000 as projets_10000,
        sum(l.montant_aide) as montant_aide
    from territoire as t
    left join liens as l on l.ti_id = t.ti_id
    where t.phase = $phase
    group by t.ti_id
)

select * from final
order by ti_id
