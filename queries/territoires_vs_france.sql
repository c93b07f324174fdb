-- Départements in three groups (terciles) by the share of their population living in a territory of the phase,
-- with the indicator's rate per 10,000 inhabitants in each group (sum of values over sum of population).
-- params: $phase INTEGER, $indicateur VARCHAR, $date DATE
-- columns: groupe, libelle_groupe, nb_departements, part_min, part_max, population, valeur, taux_10000
with part as (
    select code, population, part_ti from departement_couverture where phase = $phase
),

valeurs as (
    select code, valeur
    from indicateur_valeur
    where id_indicateur = $indicateur and maille = 'departement' and date = $date
),

groupes as (
    select p.*, v.valeur, ntile(3) over (order by p.part_ti, p.code) as groupe
    from part as p
    inner join valeurs as v on v.code = p.code
),

final as (
    select
        groupe,
        case groupe when 1 then 'Tiers le moins couvert' when 2 then 'Tiers intermédiaire'
            else 'Tiers le plus couvert' end as libelle_groupe,
        count(*) as nb_departements,
        min(part_ti) as part_min,
        max(part_ti) as part_max,
        sum(population) as population,
        sum(valeur) as valeur,
        sum(valeur) / sum(population) * 10000 as taux_10000
    from groupes
    group by groupe
)

select * from final
order by groupe
