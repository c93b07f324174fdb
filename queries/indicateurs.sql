-- Baromètre indicators of a priority (NULL = every priority) that are published for (nearly) every département,
-- with the dates at which they are, their nature and the reviewed date read by default; indicators outside the
-- programme's priorities are left out. An indicator published by région only (the PIC training entries:
-- départements of the DROM only) cannot be read by territory and is not offered.
-- params: $priorite VARCHAR
-- columns: id_indicateur, libelle, libelle_court, mesure, unite, priorite, priorite_libelle, premiere_date, derniere_date, nature, date_lecture, raison_lecture, dates
with couverture as (
    select id_indicateur, date, count(*) as nb_departements
    from indicateur_valeur
    where maille = 'departement'
    group by id_indicateur, date
),

dates as (
    -- 94 % of the base's départements at least: 95 of the 101 (Mayotte is missing from some series)
    select id_indicateur, min(date) as premiere_date, max(date) as derniere_date, list(date order by date) as dates
    from couverture
    where nb_departements >= 0.94 * (select count(*) from departement)
    group by id_indicateur
),

final as (
    select
        i.id_indicateur,
        i.libelle,
        i.libelle_court,
        i.mesure,
        i.unite,
        i.priorite,
        p.libelle as priorite_libelle,
        d.premiere_date,
        d.derniere_date,
        i.nature,
        i.date_lecture,
        i.raison_lecture,
        d.dates
    from indicateur as i
    inner join priorite as p on p.priorite = i.priorite
    inner join dates as d on d.id_indicateur = i.id_indicateur
    where p.programme and ($priorite is null or i.priorite = $priorite)
)

select * from final
order by priorite, id_indicateur = 'nb-entreprises-industrielles-agricoles' desc, libelle
