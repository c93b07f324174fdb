-- The staff's own lists in one territory of a phase (one priority, or all when $priorite is NULL): projects, the aid
-- amounts the lists give and how many projects give one, and the files they come from. Never ranked nor compared:
-- other territories may have no list loaded.
-- params: $phase INTEGER, $ti VARCHAR, $priorite VARCHAR (NULL = every priority)
-- columns: nb_projets, montant_aide, nb_montants, montant_investissement, fichiers
with lignes as (
    select p.projet_id, p.montant_aide, p.montant_investissement, i.fichier
    from projet_territoire as pt
    inner join projet as p on p.projet_id = pt.projet_id
    inner join projet_import as i on i.import_id = p.import_id
    where pt.phase = $phase and pt.ti_id = $ti and i.lecture = 'equipe'
        and ($priorite is null or p.priorite = $priorite)
),

final as (
    select
        count(*) as nb_projets,
        sum(montant_aide) as montant_aide,
        count(montant_aide) as nb_montants,
        sum(montant_investissement) as montant_investissement,
        list(distinct fichier order by fichier) filter (where fichier is not null) as fichiers
    from lignes
)

select * from final
