-- Projects whose published commune name disagrees with the commune their point and postcode give (the DGE file
-- often names another place), with what was published and where the project was placed.
-- params: none
-- columns: source, entreprise, nom, mesure, commune_publiee, commune_placee, commune_code, code_departement, lat, lon, placement, confiance, problemes
select
    p.source,
    p.entreprise,
    p.nom,
    p.mesure,
    regexp_extract(p.problemes, 'nom de commune publié « ([^»]*) » écarté', 1) as commune_publiee,
    c.nom as commune_placee,
    p.commune_code,
    p.departement_code as code_departement,
    p.lat,
    p.lon,
    p.placement,
    p.confiance,
    p.problemes
from projet as p
left join commune as c on c.code = p.commune_code
where p.problemes like '%nom de commune publié%'
order by p.source, p.departement_code, p.entreprise
