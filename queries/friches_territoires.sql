-- The Fonds friches in each territory of a phase (applications located by the Cerema, in the territory's communes):
-- France Relance applications and laureates, the brownfield hectares the laureates recycle (industrial or mining
-- brownfields apart; the whole sites' hectares apart), who carries them, the operating deficit they declared (never
-- the subsidy, which no file gives) and how many give one; the 2023 Fonds vert apart.
-- params: $phase INTEGER
-- columns: ti_id, population, candidatures, laureats, friche_ha, friche_ha_industrielle, site_ha, nb_surfaces, laureats_industriels, deficit, nb_deficits, nb_deficits_absents, nb_deficits_negatifs_nuls, depenses_ht, porteurs, candidatures_fonds_vert, laureats_fonds_vert, hectares_10000
with situees as (
    select tc.ti_id, ff.*
    from friche as f
    inner join fonds_friches as ff on ff.num_dossier = f.num_dossier
    inner join territoire_commune as tc on tc.commune_code = f.commune_code and tc.phase = $phase
),

laureates as (
    select * from situees where france_relance and laureat
),

porteurs as (
    select ti_id, list({'porteur': porteur, 'laureats': n} order by n desc, porteur) as porteurs
    from (select ti_id, porteur, count(*) as n from laureates group by ti_id, porteur)
    group by ti_id
),

par_territoire as (
    select
        ti_id,
        count(*) filter (where france_relance) as candidatures,
        count(*) filter (where france_relance and laureat) as laureats,
        sum(friche_ha) filter (where france_relance and laureat) as friche_ha,
        sum(friche_ha) filter (where france_relance and laureat and friche_industrielle) as friche_ha_industrielle,
        sum(site_ha) filter (where france_relance and laureat) as site_ha,
        count(friche_ha) filter (where france_relance and laureat) as nb_surfaces,
        count(*) filter (where france_relance and laureat and friche_industrielle) as laureats_industriels,
        sum(deficit) filter (where france_relance and laureat and deficit_etat = 'positif') as deficit,
        count(*) filter (where france_relance and laureat and deficit_etat = 'positif') as nb_deficits,
        count(*) filter (where france_relance and laureat and deficit_etat in ('absent', 'illisible'))
            as nb_deficits_absents,
        count(*) filter (where france_relance and laureat and deficit_etat in ('négatif', 'nul'))
            as nb_deficits_negatifs_nuls,
        sum(depenses_ht) filter (where france_relance and laureat) as depenses_ht,
        count(*) filter (where not france_relance) as candidatures_fonds_vert,
        count(*) filter (where not france_relance and laureat) as laureats_fonds_vert
    from situees
    group by ti_id
),

final as (
    select
        t.ti_id,
        t.population,
        coalesce(p.candidatures, 0) as candidatures,
        coalesce(p.laureats, 0) as laureats,
        coalesce(p.friche_ha, 0) as friche_ha,
        coalesce(p.friche_ha_industrielle, 0) as friche_ha_industrielle,
        coalesce(p.site_ha, 0) as site_ha,
        coalesce(p.nb_surfaces, 0) as nb_surfaces,
        coalesce(p.laureats_industriels, 0) as laureats_industriels,
        p.deficit,
        coalesce(p.nb_deficits, 0) as nb_deficits,
        coalesce(p.nb_deficits_absents, 0) as nb_deficits_absents,
        coalesce(p.nb_deficits_negatifs_nuls, 0) as nb_deficits_negatifs_nuls,
        p.depenses_ht,
        po.porteurs,
        coalesce(p.candidatures_fonds_vert, 0) as candidatures_fonds_vert,
        coalesce(p.laureats_fonds_vert, 0) as laureats_fonds_vert,
        coalesce(p.friche_ha, 0) / t.population * 10000 as hectares_10000
    from territoire as t
    left join par_territoire as p on p.ti_id = t.ti_id
    left join porteurs as po on po.ti_id = t.ti_id
    where t.phase = $phase
)

select * from final
order by ti_id
