-- Every located Fonds friches application in one territory of a phase (all editions, Fonds vert included and
-- labelled), with its commune and point.
-- params: $phase INTEGER, $ti VARCHAR
-- columns: num_dossier, edition, france_relance, laureat, site_nom, commune_code, commune_nom, lat, lon
select
    f.num_dossier,
    f.edition,
    f.france_relance,
    f.laureat,
    f.site_nom,
    f.commune_code,
    c.nom as commune_nom,
    f.lat,
    f.lon
from friche as f
inner join territoire_commune as tc on tc.commune_code = f.commune_code and tc.phase = $phase and tc.ti_id = $ti
left join commune as c on c.code = f.commune_code
order by f.france_relance desc, f.laureat desc, f.edition, c.nom, f.num_dossier
