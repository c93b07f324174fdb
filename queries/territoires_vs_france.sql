-- Départements in three groups (terciles) by the share of their population living in a territory of the phase —
-- groups made once per phase over every département, so their bounds are the same for every indicator — with
-- the indicator's rate per 10,000 inhabitants in each group (sum of the values over the sum of the populations
-- of the départements that publish one).
-- params: $phase INTEGER, $indicateur VARCHAR, $date DATE
-- columns: groupe, libelle_groupe, nb_departements, part_min, part_max, population, valeur, taux_10000
with groupes as (
    select code, population, part_ti, ntile(3) over (order by part_ti, code) as groupe
    from departement_couverture
    where phase = $phase
),

valeurs as (
    select code, valeur
    from indicateur_valeur
    where id_indicateur = $indicateur and maille = 'departement' and date = $date
),

final as (
    select
        g.groupe,
        case g.groupe when 1 then 'Tiers le moins couvert' when 2 then 'Tiers intermédiaire'
            else 'Tiers le plus couvert' end as libelle_groupe,
        count(*) as nb_departements,
        min(g.part_ti) as part_min,
        max(g.part_ti) as part_max,
        sum(g.population) filter (where v.valeur is not null) as population,
        sum(v.valeur) as valeur,
        sum(v.valeur) / sum(g.population) filter (where v.valeur is not null) * 10000 as taux_10000
    from groupes as g
    left join valeurs as v on v.code = g.code
    group by g.groupe
)

select * from final
order by groupe
