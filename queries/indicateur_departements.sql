-- One indicator at one date for every département: value, population and rate per 10,000 inhabitants.
-- params: $indicateur VARCHAR, $date DATE
-- columns: code, nom, region_code, valeur, population, taux_10000
with valeurs as (
    select code, valeur
    from indicateur_valeur
    where id_indicateur = $indicateur and maille = 'departement' and date = $date
),

final as (
    select
        d.code,
        d.nom,
        d.region_code,
        v.valeur,
        d.population,
        v.valeur / d.population * 10000 as taux_10000
    from departement as d
    left join valeurs as v on v.code = d.code
)

select * from final
order by code
