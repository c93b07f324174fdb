-- Every loaded project with its list's format, its laureate (table projet_laureat: the rows of one laureate, and the
-- text a consortium's partners share), its commune, EPCI and territory in one phase (NULL outside every territory).
-- params: $phase INTEGER
-- columns: projet_id, import_id, format, lecture, laureat, texte_commun, source, nom, entreprise, siren, type_entreprise, filiere, mesure, priorite, commune_code, commune_nom, departement_code, epci_siren, epci_nom, ti_id, ti_nom, lat, lon, position, placement, confiance, problemes, montant_aide, montant_investissement, date, annee, tonnes_co2, description, fichier
with territoires as (
    select pt.projet_id, pt.ti_id, t.nom as ti_nom
    from projet_territoire as pt
    inner join territoire as t on t.phase = pt.phase and t.ti_id = pt.ti_id
    where pt.phase = $phase
),

final as (
    select
        p.projet_id,
        p.import_id,
        i.format,
        i.lecture,
        l.laureat,
        l.texte_commun,
        p.source,
        p.nom,
        p.entreprise,
        p.siren,
        p.type_entreprise,
        p.filiere,
        p.mesure,
        p.priorite,
        p.commune_code,
        c.nom as commune_nom,
        p.departement_code,
        p.epci_siren,
        e.nom as epci_nom,
        t.ti_id,
        t.ti_nom,
        p.lat,
        p.lon,
        p.position,
        p.placement,
        p.confiance,
        p.problemes,
        p.montant_aide,
        p.montant_investissement,
        p.date,
        p.annee,
        p.tonnes_co2,
        p.description,
        i.fichier
    from projet as p
    inner join projet_import as i on i.import_id = p.import_id
    inner join projet_laureat as l on l.projet_id = p.projet_id
    left join commune as c on c.code = p.commune_code
    left join epci as e on e.siren = p.epci_siren
    left join territoires as t on t.projet_id = p.projet_id
)

select * from final
order by entreprise, nom, projet_id
