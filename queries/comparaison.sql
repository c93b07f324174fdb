-- Several territories of one phase side by side for one indicator over time (table territoire_indicateur, the
-- method of relance/schema.sql: rate per 10,000 and estimate), from January 2020 (France Relance period).
-- params: $phase INTEGER, $tis VARCHAR[], $indicateur VARCHAR
-- columns: ti_id, nom, date, taux_10000, estimation
with valeurs as (
    select *
    from territoire_indicateur
    where phase = $phase and list_contains($tis, ti_id) and id_indicateur = $indicateur
        and date >= date '2020-01-01' and complet
),

final as (
    select v.ti_id, t.nom, v.date, v.taux_10000, v.estimation
    from valeurs as v
    inner join territoire as t on t.phase = v.phase and t.ti_id = v.ti_id
)

select * from final
order by ti_id, date
