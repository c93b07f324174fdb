-- The effect of the rule « a laureate counted once » on the DGE list: its rows, the laureates they make in all of
-- France, the rows placed in the territories of each phase and the laureates they make there, and the rows whose
-- text several companies share (a group's presentation or a consortium's common text: never merged).
-- params: none
-- columns: phase, lignes, laureats, lignes_territoires, laureats_territoires, lignes_texte_commun, textes_communs
with dge as (
    select p.projet_id, l.laureat, l.texte_commun
    from projet as p
    inner join projet_laureat as l on l.projet_id = p.projet_id
    inner join projet_import as i on i.import_id = p.import_id
    where i.lecture = 'dge'
),

phases as (
    select pt.phase, count(*) as lignes_territoires, count(distinct (pt.ti_id, d.laureat)) as laureats_territoires
    from projet_territoire as pt
    inner join dge as d on d.projet_id = pt.projet_id
    group by pt.phase
),

final as (
    select
        ph.phase,
        (select count(*) from dge) as lignes,
        (select count(distinct laureat) from dge) as laureats,
        ph.lignes_territoires,
        ph.laureats_territoires,
        (select count(*) from dge where texte_commun is not null) as lignes_texte_commun,
        (select count(distinct texte_commun) from dge) as textes_communs
    from phases as ph
)

select * from final
order by phase
