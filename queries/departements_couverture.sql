-- Every département with the share of its population living in a territory of the phase and one indicator's rate.
-- params: $phase INTEGER, $indicateur VARCHAR, $date DATE
-- columns: code, nom, population, part_ti, valeur, taux_10000
with part as (
    select code, nom, population, part_ti from departement_couverture where phase = $phase
),

final as (
    select p.code, p.nom, p.population, p.part_ti, v.valeur, v.valeur / p.population * 10000 as taux_10000
    from part as p
    inner join indicateur_valeur as v
        on v.code = p.code and v.id_indicateur = $indicateur and v.maille = 'departement' and v.date = $date
)

select * from final
order by code
