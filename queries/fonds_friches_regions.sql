-- Fonds friches applications and laureates (flag laureat_fv of the Cerema file) by région and procedure.
-- params: none
-- columns: region_code, region_nom, num_demarche, candidatures, laureats
select
    f.region_code,
    coalesce(r.nom, 'Région non renseignée') as region_nom,
    f.num_demarche,
    count(*) as candidatures,
    count(*) filter (where f.laureat) as laureats
from fonds_friches as f
left join region as r on r.code = f.region_code
group by all
order by region_nom, num_demarche
