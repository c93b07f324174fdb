-- Projects per territory of a phase and programme priority (NULL: measure not classed), with the aid amounts
-- that lists give (and how many projects give one) and the tonnes of CO2 avoided that the DGE list gives for
-- decarbonisation projects; territories without a project have no row.
-- params: $phase INTEGER
-- columns: ti_id, priorite, nb_projets, montant_aide, nb_montants, tonnes_co2, nb_co2
with liens as (
    select pt.ti_id, p.priorite, p.montant_aide, p.tonnes_co2
    from projet_territoire as pt
    inner join projet as p on p.projet_id = pt.projet_id
    where pt.phase = $phase
),

final as (
    select
        ti_id,
        priorite,
        count(*) as nb_projets,
        sum(montant_aide) as montant_aide,
        count(montant_aide) as nb_montants,
        sum(tonnes_co2) as tonnes_co2,
        count(tonnes_co2) as nb_co2
    from liens
    group by ti_id, priorite
)

select * from final
order by ti_id, priorite
