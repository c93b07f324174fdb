-- Several territories of one phase side by side for one indicator over time: rate per 10,000 and estimate.
-- From January 2020 (France Relance period).
-- params: $phase INTEGER, $tis VARCHAR[], $indicateur VARCHAR
-- columns: ti_id, nom, date, taux_10000, estimation
with choisis as (
    select ti_id, nom from territoire where phase = $phase and list_contains($tis, ti_id)
),

parts as (
    select td.ti_id, td.departement_code, td.part_territoire, td.part_departement, d.population
    from territoire_departement as td
    inner join departement as d on d.code = td.departement_code
    inner join choisis as c on c.ti_id = td.ti_id
    where td.phase = $phase
),

final as (
    select
        p.ti_id,
        c.nom,
        v.date,
        sum(v.valeur / p.population * 10000 * p.part_territoire) as taux_10000,
        sum(v.valeur * p.part_departement) as estimation
    from parts as p
    inner join choisis as c on c.ti_id = p.ti_id
    inner join indicateur_valeur as v
        on v.code = p.departement_code and v.id_indicateur = $indicateur and v.maille = 'departement'
        and v.date >= date '2020-01-01'
    group by p.ti_id, c.nom, v.date
    having count(*) = (select count(*) from parts as q where q.ti_id = p.ti_id)
)

select * from final
order by ti_id, date
