-- Projects per territory of a phase and programme priority (NULL: measure not classed), with the aid amounts
-- that lists give; territories without a project have no row.
-- params: $phase INTEGER
-- columns: ti_id, priorite, nb_projets, montant_aide
with liens as (
    select pt.ti_id, p.priorite, p.montant_aide
    from projet_territoire as pt
    inner join projet as p on p.projet_id = pt.projet_id
    where pt.phase = $phase
),

final as (
    select ti_id, priorite, count(*) as nb_projets, sum(montant_aide) as montant_aide
    from liens
    group by ti_id, priorite
)

select * from final
order by ti_id, priorite
