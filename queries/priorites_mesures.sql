-- The reviewed mapping of every France Relance project measure to a programme priority, with its justification and the projects loaded.
-- params: none
-- columns: priorite, priorite_libelle, mesure, justification, nb_projets
with projets as (
    select replace(mesure, '’', '''') as mesure, count(*) as nb_projets
    from projet
    group by 1
),

final as (
    select
        m.priorite,
        p.libelle as priorite_libelle,
        m.mesure,
        m.justification,
        coalesce(pr.nb_projets, 0) as nb_projets
    from mesure_priorite as m
    inner join priorite as p on p.priorite = m.priorite
    left join projets as pr on pr.mesure = m.mesure
)

select * from final
order by priorite, mesure
