-- Every located Fonds friches application in one territory of a phase (the three France Relance editions and the
-- 2023 Fonds vert, labelled), with its commune, point, hectares, types, owner and declared deficit.
-- params: $phase INTEGER, $ti VARCHAR
-- columns: num_dossier, edition, france_relance, laureat, site_nom, commune_code, commune_nom, lat, lon, friche_ha, site_ha, natures, friche_industrielle, porteur, operation, deficit, deficit_etat
select
    f.num_dossier,
    f.edition,
    f.france_relance,
    f.laureat,
    f.site_nom,
    f.commune_code,
    c.nom as commune_nom,
    f.lat,
    f.lon,
    ff.friche_ha,
    ff.site_ha,
    ff.natures,
    ff.friche_industrielle,
    ff.porteur,
    ff.operation,
    ff.deficit,
    ff.deficit_etat
from friche as f
inner join territoire_commune as tc on tc.commune_code = f.commune_code and tc.phase = $phase and tc.ti_id = $ti
inner join fonds_friches as ff on ff.num_dossier = f.num_dossier
left join commune as c on c.code = f.commune_code
order by f.france_relance desc, f.laureat desc, f.edition, c.nom, f.num_dossier
