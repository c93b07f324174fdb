-- Where the rule « a laureate counted once » merges rows (table projet_laureat): in each territory of a phase, the
-- laureates of the DGE list made of several rows (sites of one company's project), with their rows and communes.
-- params: $phase INTEGER
-- columns: ti_id, territoire, entreprise, lignes, communes
with lignes as (
    select pt.ti_id, l.laureat, p.entreprise, c.nom as commune
    from projet_territoire as pt
    inner join projet as p on p.projet_id = pt.projet_id
    inner join projet_laureat as l on l.projet_id = p.projet_id
    inner join projet_import as i on i.import_id = p.import_id
    left join commune as c on c.code = p.commune_code
    where pt.phase = $phase and i.lecture = 'dge'
),

final as (
    select
        g.ti_id,
        t.nom as territoire,
        min(g.entreprise) as entreprise,
        count(*) as lignes,
        string_agg(distinct g.commune, ', ' order by g.commune) as communes
    from lignes as g
    inner join territoire as t on t.phase = $phase and t.ti_id = g.ti_id
    group by g.ti_id, t.nom, g.laureat
    having count(*) > 1
)

select * from final
order by territoire, entreprise
