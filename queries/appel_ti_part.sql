-- Share of the rows of one measure of the DGE list (the call "Soutien à l'investissement industriel dans les
-- territoires") placed inside a territory of the phase.
-- params: $phase INTEGER, $mesure VARCHAR
-- columns: nb_projets, nb_dans_territoire, part
with appel as (
    select p.projet_id
    from projet as p
    inner join projet_import as i on i.import_id = p.import_id
    -- the DGE file writes the measure with a typographic apostrophe
    where i.lecture = 'dge' and replace(p.mesure, '’', '''') = $mesure
),

final as (
    select
        count(*) as nb_projets,
        count(pt.ti_id) as nb_dans_territoire,
        case when count(*) > 0 then count(pt.ti_id) / count(*) end as part
    from appel as a
    left join projet_territoire as pt on pt.projet_id = a.projet_id and pt.phase = $phase
)

select * from final
